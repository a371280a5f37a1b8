package dev.caravan.sink.mongo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.kafka.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be stored to {@code <topic>.dlq}: the original key and bytes, plus headers saying what
 * failed, where and when. Returns only once Kafka acknowledged them, so the batch's offsets can be committed after.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<byte[], byte[]> producer;
    private final String suffix;
    private final Duration timeout;
    private final KafkaClientConfig kafka;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private volatile dev.caravan.support.Meters meters;

    public DeadLetters(KafkaClientConfig kafka, String suffix, Duration timeout) {
        this.producer = new KafkaProducer<>(kafka.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "caravan-dead-letters",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        this.suffix = suffix;
        this.timeout = timeout;
        this.kafka = kafka;
    }

    /** Counts each dead letter in caravan_sink_dead_letters_total{topic,stage}. */
    public DeadLetters countingIn(dev.caravan.support.Meters meters) {
        this.meters = meters;
        return this;
    }

    /** Creates a dead-letter topic the first time it is needed (see {@link Topics}). */
    private void ensureTopic(String topic) {
        if (!knownTopics.contains(topic) && Topics.ensure(kafka, List.of(topic), timeout)) {
            // the producer learns the new partitions' leaders before its first send: a send racing the topic's
            // creation was seen retried into OutOfOrderSequence errors for its whole delivery timeout
            producer.partitionsFor(topic);
            knownTopics.add(topic);
        }
    }

    public String topicFor(String topic) {
        return topic + suffix;
    }

    public SinkBatch publish(SinkBatch batch) throws Exception {
        batch.retainOwned();
        List<DeadLetter> letters = batch.deadLetters();
        if (letters.isEmpty()) {
            return batch;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        String now = Instant.now().toString();
        for (DeadLetter d : letters) {
            RecordHeaders h = new RecordHeaders();
            d.source().headers().forEach((k, v) -> {
                if (!k.startsWith("caravan.")) {
                    h.add(k, v);
                }
            });
            int attempts = attempts(d.source().headers()) + 1;
            put(h, "caravan.error.class", d.errorClass());
            put(h, "caravan.error.message", d.message());
            put(h, "caravan.error.stage", d.stage());
            put(h, "caravan.source.topic", d.source().topic());
            put(h, "caravan.source.partition", String.valueOf(d.source().partition()));
            put(h, "caravan.source.offset", String.valueOf(d.source().offset()));
            put(h, "caravan.attempts", String.valueOf(attempts));
            put(h, "caravan.failed.at", now);
            ensureTopic(topicFor(d.source().topic()));
            sent.add(producer.send(new ProducerRecord<>(topicFor(d.source().topic()), null, d.source().key(),
                    d.source().value(), h)));
            LOG.warn("Dead-lettered {}/{}@{} at stage {}: {}", d.source().topic(), d.source().partition(),
                    d.source().offset(), d.stage(), d.message());
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (meters != null) {
            for (DeadLetter d : letters) {
                meters.count("caravan.sink.dead.letters", 1, "topic", d.source().topic(), "stage", d.stage());
            }
        }
        return batch;
    }

    static int attempts(Map<String, byte[]> headers) {
        byte[] v = headers.get("caravan.attempts");
        try {
            return v == null ? 0 : Integer.parseInt(new String(v, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void put(RecordHeaders h, String key, String value) {
        h.remove(key);
        h.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
