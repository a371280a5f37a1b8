package dev.caravan.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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

    public RecordProducer(String brokers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // one request in flight: a batch retried because its partition was not open yet cannot be overtaken by the
        // next one and then refused as out of order until it expires (KAFKA-15591)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(p);
    }

    public RecordProducer send(String topic, String key, String value) {
        return send(topic, key, value.getBytes(StandardCharsets.UTF_8));
    }

    public RecordProducer send(String topic, String key, byte[] value) {
        pending.add(producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value)));
        return this;
    }

    /** A record with its own timestamp (back-dated data lands in past hours of the lake). */
    public RecordProducer send(String topic, String key, String value, long timestamp) {
        pending.add(producer.send(new ProducerRecord<>(topic, null, timestamp,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
        return this;
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
