package dev.caravan.testing;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces raw records straight to Kafka, as a producer that bypasses the ingest API would. */
public final class RecordProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private final Set<String> ready = new HashSet<>();

    public RecordProducer(String brokers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One batch in flight per partition: a batch retried during a new topic's first leader election cannot
        // overtake the ones after it (seen once: OutOfOrderSequenceException from a freshly started broker).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(p);
    }

    public RecordProducer send(String topic, String key, String value) {
        return send(topic, key, value.getBytes(StandardCharsets.UTF_8));
    }

    public RecordProducer send(String topic, String key, byte[] value) {
        awaitLeaders(topic);
        pending.add(producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value)));
        return this;
    }

    /** A record with its own timestamp (back-dated data lands in past hours of the lake). */
    public RecordProducer send(String topic, String key, String value, long timestamp) {
        awaitLeaders(topic);
        pending.add(producer.send(new ProducerRecord<>(topic, null, timestamp,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
        return this;
    }

    /** The first send to a topic waits until each of its partitions has a leader, so no batch meets an election. */
    private void awaitLeaders(String topic) {
        if (ready.contains(topic)) {
            return;
        }
        await("a leader for every partition of " + topic).atMost(Duration.ofSeconds(30))
                .until(() -> producer.partitionsFor(topic).stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        ready.add(topic);
    }

    /** Waits until Kafka acknowledged everything sent so far. */
    public void flush() throws Exception {
        producer.flush();
        for (Future<RecordMetadata> f : pending) {
            f.get(30, TimeUnit.SECONDS);
        }
        pending.clear();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
