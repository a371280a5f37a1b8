package dev.caravan.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer behind the sinks, against a real broker: which partitions it may write for while a batch it handed
 * out is still being written (or retried through an outage).
 */
class SinkConsumerIT {

    private static final String TOPIC = "sink-consumer-it";
    private static final String GROUP = "sink-consumer-it";

    @TempDir
    static Path data;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafka(data.resolve("kafka"), "127.0.0.1", Ports.freePort("127.0.0.1"), 1);
        kafka.start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /**
     * A sink waiting out an outage holds a batch and keeps polling with its partitions paused. If meanwhile one
     * partition goes to another member and later comes back, its records in that batch were handed out under an
     * ownership that ended: the other member may have written and committed past them, and a fresh assignment starts
     * at the committed offset. Writing them now would put old versions over new ones, and recording them as written
     * would make the sink skip the same offsets when they are handed out again (the lake then lost them). So the
     * partition is not writable until the next regular poll hands its records out again.
     */
    @Test
    void aPartitionThatLeftAndCameBackDuringAnOutageIsNotWritableForTheBatchPolledBefore() throws Exception {
        ExecutorService sinkThread = Executors.newSingleThreadExecutor();
        SinkConsumer<String, String> sink = onThread(sinkThread, () -> {
            SinkConsumer<String, String> c = new SinkConsumer<>(consumerProperties(), new Ownership());
            c.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                }
            });
            return c;
        });
        try (Admin admin = admin()) {
            // the batch: records of both partitions handed out
            onThread(sinkThread, () -> {
                Set<Integer> seen = new HashSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < 2 && System.nanoTime() < deadline) {
                    sink.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.partition()));
                }
                assertThat(seen).containsExactlyInAnyOrder(0, 1);
                return null;
            });
            // the outage: the sink keeps alive while another member joins, takes a partition, and leaves
            AtomicBoolean outage = new AtomicBoolean(true);
            Future<?> waiting = sinkThread.submit(() -> {
                while (outage.get()) {
                    sink.keepAlive(Duration.ofMillis(200));
                }
            });
            TopicPartition taken;
            try (KafkaConsumer<String, String> other = new KafkaConsumer<>(consumerProperties())) {
                other.subscribe(List.of(TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (other.assignment().isEmpty() && System.nanoTime() < deadline) {
                    other.poll(Duration.ofMillis(100));
                }
                assertThat(other.assignment()).as("the other member's share").hasSize(1);
                taken = other.assignment().iterator().next();
            }
            await("the sink holds both partitions again").atMost(Duration.ofSeconds(60))
                    .until(() -> members(admin) == 1 && sink.owns(new TopicPartition(TOPIC, 1 - taken.partition()))
                            && assignedTo(admin) == 2);
            outage.set(false);
            waiting.get(30, TimeUnit.SECONDS);
            TopicPartition kept = new TopicPartition(TOPIC, 1 - taken.partition());

            assertThat(sink.owns(kept)).as("never anyone else's: its records in the batch are still the sink's").isTrue();
            assertThat(sink.owns(taken)).as("another member's meanwhile: its records in the batch are not").isFalse();

            // the next regular poll hands the partition out again, from the committed offset (none: the beginning)
            List<ConsumerRecord<String, String>> again = onThread(sinkThread, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                List<ConsumerRecord<String, String>> got = new java.util.ArrayList<>();
                while (got.isEmpty() && System.nanoTime() < deadline) {
                    sink.poll(Duration.ofMillis(200)).records(taken).forEach(got::add);
                }
                return got;
            });
            assertThat(again).isNotEmpty();
            assertThat(again.get(0).offset()).isZero();
            assertThat(sink.owns(taken)).as("writable again for the records handed out now").isTrue();
        } finally {
            onThread(sinkThread, () -> {
                sink.close();
                return null;
            });
            sinkThread.shutdownNow();
        }
    }

    private static <T> T onThread(ExecutorService thread, java.util.concurrent.Callable<T> work) throws Exception {
        return thread.submit(work).get(90, TimeUnit.SECONDS);
    }

    private static int members(Admin admin) throws Exception {
        return describe(admin).members().size();
    }

    /** Partitions assigned across the group's members. */
    private static int assignedTo(Admin admin) throws Exception {
        return describe(admin).members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
    }

    private static ConsumerGroupDescription describe(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
    }

    private static Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        return p;
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(p);
    }
}
