package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.sink.Ownership;
import dev.caravan.sink.SinkConsumer;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.LocalBucket;
import dev.caravan.testing.LocalKafka;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake writer on a real consumer's thread, through an eager rebalance that hands a partition back, the way
 * RebalanceIT once lost records: Camel still held a batch polled before the rebalance and processed it while the
 * partition was being revoked (refused: not owned), then the partition came back. It must be handed out again from its
 * committed offset, and the lake must end with every offset of it exactly once.
 */
class LakeHandOutIT {

    private static final String TOPIC = "lake-hand-out";
    private static final String GROUP = "lake-hand-out";
    private static final int PER_PARTITION = 10;

    @RegisterExtension
    static final LocalKafka kafka = new LocalKafka(1);
    @TempDir
    static Path data;
    static LocalBucket bucket;
    static CamelContext context = new DefaultCamelContext();

    @BeforeAll
    static void start() throws Exception {
        bucket = LocalBucket.start(data.resolve("s3"));
        kafka.createTopic(TOPIC, 2);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, null, ("{\"n\":" + i + "}").getBytes()));
                }
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        bucket.close();
    }

    @Test
    void recordsRefusedWhileTheirPartitionWasBeingRevokedAreWrittenOnceItIsHandedBack() throws Exception {
        LakeStore store = new LakeStore(bucket.s3(), "lake");
        Ownership ownership = new Ownership();
        LakeWriter writer = new LakeWriter(store, new LakeKeys(""), new LakeWriter.Limits(PER_PARTITION, 1 << 30, 600_000),
                dev.caravan.flow.Flows.of(List.of()), "deflate", Clock.systemUTC())
                .fencedBy((topic, partition) -> ownership.owns(GROUP, new TopicPartition(topic, partition)));
        ownership.listen(GROUP, writer);
        // what Camel's batching consumer still holds when the rebalance starts
        List<Exchange> held = new ArrayList<>();
        ExecutorService sinkThread = Executors.newSingleThreadExecutor();
        SinkConsumer<byte[], byte[]> sink = sinkThread.submit(() -> {
            SinkConsumer<byte[], byte[]> c = new SinkConsumer<>(properties(), ownership);
            c.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    try {
                        LakeStages.consume(writer, held); // processed while revoking: refused, not owned
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    held.clear();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            return c;
        }).get(30, TimeUnit.SECONDS);
        try {
            sinkThread.submit(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (held.size() < 2 * PER_PARTITION && System.nanoTime() < deadline) {
                    held.addAll(exchanges(sink.poll(Duration.ofMillis(200))));
                }
                assertThat(held).hasSize(2 * PER_PARTITION);
                return null;
            }).get(60, TimeUnit.SECONDS);

            AtomicBoolean joined = new AtomicBoolean();
            Future<?> consuming = sinkThread.submit(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && !(joined.get() && landed().size() == PER_PARTITION)) {
                    LakeStages.consume(writer, exchanges(sink.poll(Duration.ofMillis(100))));
                }
                return null;
            });
            int kept;
            try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(properties())) {
                other.subscribe(List.of(TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (other.assignment().isEmpty() && System.nanoTime() < deadline) {
                    other.poll(Duration.ofMillis(100));
                }
                assertThat(other.assignment()).as("the other member's share").hasSize(1);
                kept = 1 - other.assignment().iterator().next().partition();
                joined.set(true);
                consuming.get(90, TimeUnit.SECONDS);
            }

            List<JsonNode> lines = landed();
            assertThat(lines).extracting(l -> l.get("partition").asInt()).containsOnly(kept);
            assertThat(lines).extracting(l -> l.get("offset").asLong())
                    .as("every offset of the handed-back partition once").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        } finally {
            sinkThread.submit(() -> sink.close()).get(30, TimeUnit.SECONDS);
            sinkThread.shutdownNow();
        }
    }

    private static List<JsonNode> landed() {
        return LakeFiles.lines(bucket.s3(), "lake", "raw/" + TOPIC + "/");
    }

    private static List<Exchange> exchanges(ConsumerRecords<byte[], byte[]> records) {
        List<Exchange> out = new ArrayList<>();
        records.forEach(r -> {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setHeader(KafkaConstants.TOPIC, r.topic());
            e.getMessage().setHeader(KafkaConstants.PARTITION, r.partition());
            e.getMessage().setHeader(KafkaConstants.OFFSET, r.offset());
            e.getMessage().setHeader(KafkaConstants.TIMESTAMP, r.timestamp());
            e.getMessage().setBody(r.value());
            out.add(e);
        });
        return out;
    }

    private static Properties properties() {
        Properties p = new Properties();
        p.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        return p;
    }
}
