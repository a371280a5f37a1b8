package dev.caravan.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.api.ProblemException;
import dev.caravan.support.OrderedMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the records of a dead-letter topic back to their original topic, after a fix, once each: the redrive
 * consumer group's offsets on the dead-letter topic are committed only after the re-sent records are acknowledged,
 * so a second redrive sends only what arrived since.
 */
public final class Redrive {

    private static final Logger LOG = LoggerFactory.getLogger(Redrive.class);

    private final KafkaClientConfig kafka;
    private final String suffix;
    private final String group;
    private final Duration timeout;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public Redrive(KafkaClientConfig kafka, String suffix, String group, Duration timeout) {
        this.kafka = kafka;
        this.suffix = suffix;
        this.group = group;
        this.timeout = timeout;
    }

    public Map<String, Object> redrive(String topic) throws Exception {
        if (topic == null || topic.isBlank() || topic.endsWith(suffix)) {
            throw new ProblemException(400, "Bad Request", "name the original topic (caravan.geo), not its dead-letter "
                    + "topic");
        }
        synchronized (locks.computeIfAbsent(topic, t -> new Object())) {
            return redriveLocked(topic);
        }
    }

    private Map<String, Object> redriveLocked(String topic) throws Exception {
        String dlq = topic + suffix;
        int sent = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            List<PartitionInfo> infos = consumer.listTopics(timeout).get(dlq);
            if (infos == null) {
                throw new ProblemException(404, "Not Found", "there is no dead-letter topic " + dlq);
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(dlq, i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions), timeout);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                if (at == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, at.offset());
                }
            }
            // what is there now; letters that arrive during the redrive wait for the next one
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos() * 6;
            boolean timedOut = false;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    timedOut = true; // what was sent is committed below first, so a retry does not send it again
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    String target = header(r, "caravan.source.topic", topic);
                    RecordHeaders headers = new RecordHeaders();
                    for (Header h : r.headers()) {
                        if (!h.key().startsWith("caravan.") || h.key().equals("caravan.attempts")) {
                            headers.add(h);
                        }
                    }
                    headers.add("caravan.redriven.from", (r.topic() + "/" + r.partition() + "@" + r.offset())
                            .getBytes(StandardCharsets.UTF_8));
                    headers.add("caravan.redriven.at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
                    acks.add(producer.send(new ProducerRecord<>(target, null, r.key(), r.value(), headers)));
                    done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    sent++;
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : acks) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!done.isEmpty()) {
                consumer.commitSync(done, timeout);
            }
            if (timedOut) {
                LOG.warn("Redrive of {}{} stopped after {} record(s): the topic could not be read to its end in time",
                        topic, suffix, sent);
                throw new ProblemException(503, "Service Unavailable", "the dead-letter topic could not be read "
                        + "to its end in time; the " + sent + " record(s) re-sent are committed, retry for the rest",
                        List.of(), Map.of("Retry-After", "5"));
            }
        }
        LOG.info("Redrove {} record(s) from {}{} to {}", sent, topic, suffix, topic);
        Map<String, Object> answer = OrderedMap.of("topic", topic, "deadLetterTopic", dlq, "redriven", sent);
        return answer;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name, String fallback) {
        Header h = r.headers().lastHeader(name);
        return h == null ? fallback : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Properties consumerProps() {
        return kafka.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private Properties producerProps() {
        return kafka.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
