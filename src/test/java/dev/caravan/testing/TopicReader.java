package dev.caravan.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as a read_committed consumer would: what downstream consumers can ever see. */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Reads the topic until it holds at least {@code n} records: a transaction's commit markers are written after
     * the producer's commit returns, so read_committed readers may need a moment to see a batch.
     */
    public static List<ConsumerRecord<String, String>> readAtLeast(String brokers, String topic, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, String>> records = readAll(brokers, topic);
        while (records.size() < n && System.nanoTime() < deadline) {
            records = readAll(brokers, topic);
        }
        return records;
    }

    public static List<ConsumerRecord<String, String>> readAll(String brokers, String topic) {
        return read(brokers, topic, StringDeserializer.class);
    }

    /** Values as the bytes on the wire (Avro records, say). */
    public static List<ConsumerRecord<String, byte[]>> readAllBytes(String brokers, String topic) {
        return read(brokers, topic, org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    }

    private static <V> List<ConsumerRecord<String, V>> read(String brokers, String topic,
            Class<? extends org.apache.kafka.common.serialization.Deserializer<V>> values) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, values);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets stop at the last stable offset: nothing in doubt is waited for
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
