package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.SharedServers;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling deploy while records flow: two replicas on one Kafka, MongoDB and S3; three times a new one joins and the
 * oldest leaves gracefully, and the lake's rotation timer (much shorter than a round) keeps closing file sets while
 * partitions move. In the end every offset is in exactly one lake file, reconcile finds no gap and no overlap, and
 * MongoDB holds every key once, at its newest version.
 */
class RebalanceIT {

    private static final int KEYS = 1_500;
    private static final String TOPIC = "caravan.pins";
    private static final String PIN = "{\"index\":%d,\"unique_id\":\"pin-%d\",\"title\":\"v%d\",\"description\":\"d\","
            + "\"follower_count\":\"%dk\",\"category\":\"diy\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\"}";

    @TempDir
    Path data;

    @Test
    void replicasJoinAndLeaveWhileRecordsFlow_everyOffsetLandsOnceAndEveryKeyEndsAtItsNewestVersion() throws Exception {
        try (SharedServers servers = new SharedServers(data.resolve("servers"), 6);
                Admin admin = admin(servers.kafka())) {
            Map<String, String> settings = new HashMap<>(servers.caravanSettings());
            settings.put("caravan.mongo.flows", "pins");
            settings.put("caravan.lake.flows", "pins");
            settings.put("caravan.mongo.consumers", "1");
            settings.put("caravan.mongo.batch-interval-ms", "200");
            settings.put("caravan.lake.batch-interval-ms", "200");
            settings.put("caravan.lake.flush-records", "400");
            settings.put("caravan.lake.rotate-interval-ms", "300");
            settings.put("caravan.lake.check-interval-ms", "50");
            settings.put("caravan.cluster.root", data.resolve("cluster").toString());
            Deque<RunningCaravan> replicas = new ArrayDeque<>();
            int started = 0;
            Map<Integer, Integer> newest = new ConcurrentHashMap<>();
            AtomicLong produced = new AtomicLong();
            AtomicBoolean producing = new AtomicBoolean(true);
            try {
                replicas.add(RunningCaravan.start(data.resolve("r" + started++), settings));
                replicas.add(RunningCaravan.start(data.resolve("r" + started++), settings));
                awaitMembers(admin, 2);
                Thread producer = new Thread(() -> produce(servers.kafka(), producing, newest, produced), "producer");
                producer.start();
                for (int round = 0; round < 3; round++) {
                    long before = produced.get();
                    replicas.add(RunningCaravan.start(data.resolve("r" + started++), settings));
                    awaitMembers(admin, 3);
                    await("records flow in round " + round).atMost(Duration.ofSeconds(60))
                            .until(() -> produced.get() > before + 3_000);
                    replicas.removeFirst().close(); // graceful: leaves the groups, its partitions move
                    awaitMembers(admin, 2);
                }
                producing.set(false);
                producer.join(60_000);
                assertThat(producer.isAlive()).isFalse();

                RunningCaravan survivor = replicas.getLast();
                await("every key at its newest version").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500)).until(() -> stale(survivor, newest) == 0);
                assertThat(survivor.mongo().getCollection("pins").countDocuments()).isEqualTo(KEYS);
                try {
                    await("everything in the lake").atMost(Duration.ofSeconds(120)).until(() -> survivor.lakeLanded(TOPIC));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("reconcile: " + survivor.get("/api/v1/lake/reconcile?topic=" + TOPIC).body(), e);
                }
                Set<String> offsets = new HashSet<>();
                List<JsonNode> lines = LakeFiles.lines(survivor.s3(), survivor.connections().s3Bucket(), "raw/" + TOPIC + "/");
                for (JsonNode l : lines) {
                    String at = l.get("partition").asInt() + "@" + l.get("offset").asLong();
                    assertThat(offsets.add(at)).as(at + " in two lake files").isTrue();
                }
                Set<String> inKafka = new HashSet<>();
                TopicReader.readAllBytes(servers.kafka(), TOPIC).forEach(r -> inKafka.add(r.partition() + "@" + r.offset()));
                Set<String> missing = new java.util.TreeSet<>(inKafka);
                missing.removeAll(offsets);
                assertThat(missing).as("offsets in Kafka but in no lake file; reconcile: "
                        + survivor.get("/api/v1/lake/reconcile?topic=" + TOPIC).body()).isEmpty();
                assertThat(inKafka).as("every record produced is in Kafka").hasSize((int) produced.get());
                assertThat(offsets).as("every record in the lake").hasSize((int) produced.get());
            } finally {
                producing.set(false);
                for (RunningCaravan r : replicas) {
                    r.close();
                }
            }
        }
    }

    /** Sends each key again and again with a growing version until told to stop; remembers each key's last. */
    private static void produce(String brokers, AtomicBoolean producing, Map<Integer, Integer> newest, AtomicLong produced) {
        try (RecordProducer producer = new RecordProducer(brokers)) {
            for (int version = 1; producing.get(); version++) {
                for (int k = 0; k < KEYS && producing.get(); k++) {
                    producer.send(TOPIC, "pin-" + k, PIN.formatted(k, k, version, k % 90));
                    newest.put(k, version);
                    produced.incrementAndGet();
                    if (k % 100 == 99) {
                        producer.flush();
                        Thread.sleep(20); // a steady stream, not one burst
                    }
                }
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys whose document is missing or not at the newest version produced. */
    private static long stale(RunningCaravan app, Map<Integer, Integer> newest) {
        Map<String, String> stored = new HashMap<>();
        for (Document d : app.mongo().getCollection("pins").find()) {
            stored.put(d.getString("unique_id"), d.getString("title"));
        }
        return newest.entrySet().stream().filter(e -> !("v" + e.getValue()).equals(stored.get("pin-" + e.getKey())))
                .count();
    }

    /** Both sink groups have exactly n members, each holding partitions. */
    private static void awaitMembers(Admin admin, int n) {
        await(n + " members in each sink group").atMost(Duration.ofSeconds(90)).until(() -> {
            for (String group : List.of("caravan-mongo", "caravan-lake")) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (d.members().size() != n || d.members().stream()
                        .anyMatch(m -> m.assignment().topicPartitions().isEmpty())) {
                    return false;
                }
            }
            return true;
        });
    }

    private static Admin admin(String brokers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        return Admin.create(p);
    }
}
