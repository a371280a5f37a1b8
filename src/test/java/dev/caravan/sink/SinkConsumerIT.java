package dev.caravan.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

import dev.caravan.testing.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer behind the sinks, against a real broker: which partitions it may write for while a batch it handed
 * out is still being written (or retried through an outage).
 */
class SinkConsumerIT {

    private static final String TOPIC = "sink-consumer-it";

    @RegisterExtension
    static final LocalKafka kafka = new LocalKafka(1);

    @BeforeAll
    static void start() throws Exception {
        kafka.createTopic(TOPIC, 2);
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

    /**
     * Camel's batching keeps the records of several polls before a batch is processed, so a rebalance can come between
     * handing records out and writing them; while a partition is being revoked its records are refused. The eager
     * protocol revokes every partition and may hand some back: such a partition is handed out again from its committed
     * offset (the sink's state for it is kept and skips by offset what it already has), never from after the records
     * handed out before, which were perhaps refused (the lake lost them so, while its manifests claimed the range).
     */
    @Test
    void aPartitionHandedBackByARebalanceIsHandedOutAgainFromItsCommittedOffset() throws Exception {
        String group = "handed-back";
        ExecutorService sinkThread = Executors.newSingleThreadExecutor();
        SinkConsumer<String, String> sink = onThread(sinkThread, () -> subscribed(group));
        try {
            handOutBothPartitions(sinkThread, sink);
            AtomicBoolean joined = new AtomicBoolean();
            Future<List<ConsumerRecord<String, String>>> afterRebalance = sinkThread.submit(() -> {
                List<ConsumerRecord<String, String>> got = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && (!joined.get() || got.isEmpty())) {
                    sink.poll(Duration.ofMillis(100)).forEach(got::add);
                }
                return got;
            });
            try (KafkaConsumer<String, String> other = new KafkaConsumer<>(consumerProperties(group))) {
                TopicPartition kept = new TopicPartition(TOPIC, 1 - joinAndTakeOne(other).partition());
                joined.set(true);

                List<ConsumerRecord<String, String>> again = afterRebalance.get(90, TimeUnit.SECONDS);

                assertThat(again).as("the kept partition's records, handed out again").isNotEmpty()
                        .allMatch(r -> r.partition() == kept.partition());
                assertThat(again.get(0).offset()).as("from the committed offset (none yet: the beginning)").isZero();
                assertThat(sink.handOutStart(kept)).isZero();
            }
        } finally {
            close(sinkThread, sink);
        }
    }

    /**
     * A sink waiting out an outage holds a batch and keeps polling with its partitions paused. If meanwhile one
     * partition goes to another member and comes back, the batch's records of it were handed out under an ownership
     * that ended: until a regular poll hands the partition out again there is no start of a current hand-out, so a
     * sink with state (the lake) takes none of them; then the hand-out starts at the committed offset.
     */
    @Test
    void aPartitionThatLeftAndCameBackDuringAnOutageIsHandedOutAgainByTheNextPoll() throws Exception {
        String group = "left-and-came-back";
        ExecutorService sinkThread = Executors.newSingleThreadExecutor();
        SinkConsumer<String, String> sink = onThread(sinkThread, () -> subscribed(group));
        try (Admin admin = admin()) {
            handOutBothPartitions(sinkThread, sink);
            // the outage: the sink keeps alive while another member joins, takes a partition, and leaves
            AtomicBoolean outage = new AtomicBoolean(true);
            Future<?> waiting = sinkThread.submit(() -> {
                while (outage.get()) {
                    sink.keepAlive(Duration.ofMillis(200));
                }
            });
            TopicPartition taken;
            try (KafkaConsumer<String, String> other = new KafkaConsumer<>(consumerProperties(group))) {
                taken = joinAndTakeOne(other);
            }
            await("the sink holds both partitions again").atMost(Duration.ofSeconds(60))
                    .until(() -> members(admin, group) == 1 && sink.owns(taken) && assignedTo(admin, group) == 2);
            outage.set(false);
            waiting.get(30, TimeUnit.SECONDS);

            assertThat(sink.owns(taken)).isTrue();
            assertThat(sink.handOutStart(taken)).as("nothing handed out since it came back").isNull();

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
            assertThat(sink.handOutStart(taken)).isZero();
        } finally {
            close(sinkThread, sink);
        }
    }

    private static SinkConsumer<String, String> subscribed(String group) {
        SinkConsumer<String, String> c = new SinkConsumer<>(consumerProperties(group), new Ownership());
        c.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            }
        });
        return c;
    }

    /** Polls until records of both partitions were handed out (nothing is committed). */
    private static void handOutBothPartitions(ExecutorService sinkThread, SinkConsumer<String, String> sink)
            throws Exception {
        onThread(sinkThread, () -> {
            Set<Integer> seen = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                sink.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.partition()));
            }
            assertThat(seen).containsExactlyInAnyOrder(0, 1);
            assertThat(sink.handOutStart(new TopicPartition(TOPIC, 0))).isZero();
            return null;
        });
    }

    /** Another member joins the group and polls until the rebalance gave it its share: one of the two partitions. */
    private static TopicPartition joinAndTakeOne(KafkaConsumer<String, String> other) {
        other.subscribe(List.of(TOPIC));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (other.assignment().isEmpty() && System.nanoTime() < deadline) {
            other.poll(Duration.ofMillis(100));
        }
        assertThat(other.assignment()).as("the other member's share").hasSize(1);
        return other.assignment().iterator().next();
    }

    private static void close(ExecutorService sinkThread, SinkConsumer<String, String> sink) throws Exception {
        onThread(sinkThread, () -> {
            sink.close();
            return null;
        });
        sinkThread.shutdownNow();
    }

    private static <T> T onThread(ExecutorService thread, java.util.concurrent.Callable<T> work) throws Exception {
        return thread.submit(work).get(90, TimeUnit.SECONDS);
    }

    private static int members(Admin admin, String group) throws Exception {
        return describe(admin, group).members().size();
    }

    /** Partitions assigned across the group's members. */
    private static int assignedTo(Admin admin, String group) throws Exception {
        return describe(admin, group).members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    }

    private static Properties consumerProperties(String group) {
        Properties p = new Properties();
        p.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        return p;
    }

    private static Admin admin() {
        return kafka.admin();
    }
}
