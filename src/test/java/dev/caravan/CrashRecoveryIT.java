package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.RecordProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given many records with duplicates and out-of-order updates, and the app killed (SIGKILL) twice while it writes
 * them: after restarts on the same data every record is in MongoDB exactly once, at its newest version, and the
 * consumer group has no lag.
 */
class CrashRecoveryIT {

    /** Records produced; the delivery test of the issue uses 100,000. */
    private static final int RECORDS = Integer.getInteger("it.crash.records", 100_000);
    private static final String PIN = "{\"index\":%d,\"unique_id\":\"pin-%d\",\"title\":\"t\",\"description\":\"d\","
            + "\"follower_count\":\"12k\",\"tag_list\":\"a\",\"is_image_or_video\":\"image\",\"image_src\":\"x\","
            + "\"downloaded\":0,\"save_location\":\"Local save in /data/diy\",\"category\":\"diy\",\"version\":%d}";

    @TempDir
    Path workDir;

    @Test
    void killedTwiceMidStreamEveryRecordEndsUpOnceAtItsNewestVersionWithNoLag() throws Exception {
        Map<String, String> env = Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_MONGO_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_S3_PORT", "0",
                "CARAVAN_FLOWS_PINS_NEWERFIELD", "version",
                // the lake sink has its own crash test (LakeCrashIT): here it stays out of the MongoDB sink's way
                "CARAVAN_LAKE_FLOWS", "");
        // each key gets versions 1..n in shuffled order plus an exact duplicate of one of them
        int keys = RECORDS / 4;
        Random random = new Random(7);
        Map<Integer, Integer> newest = new HashMap<>();
        List<int[]> records = new ArrayList<>(RECORDS);
        for (int k = 0; k < keys; k++) {
            int versions = 3;
            newest.put(k, versions);
            List<int[]> mine = new ArrayList<>();
            for (int v = 1; v <= versions; v++) {
                mine.add(new int[] {k, v});
            }
            mine.add(new int[] {k, 1 + random.nextInt(versions)});
            Collections.shuffle(mine, random);
            records.addAll(mine);
        }

        CaravanProcess app = CaravanProcess.start(workDir, env).awaitReady();
        try {
            String brokers = app.banner("Kafka");
            String mongoUri = app.banner("MongoDB");
            try (RecordProducer producer = new RecordProducer(brokers)) {
                for (int[] r : records) {
                    producer.send("caravan.pins", "pin-" + r[0], PIN.formatted(r[0], r[0], r[1]));
                }
                producer.flush();
            }
            try (MongoClient mongo = MongoClients.create(mongoUri)) {
                awaitAtLeast(mongo, keys / 4);
            }
            app.kill();

            app = CaravanProcess.start(workDir, env).awaitReady();
            try (MongoClient mongo = MongoClients.create(mongoUri)) {
                awaitAtLeast(mongo, keys * 6 / 10);
            }
            app.kill();

            app = CaravanProcess.start(workDir, env).awaitReady();
            try (MongoClient mongo = MongoClients.create(mongoUri)) {
                MongoCollection<Document> pins = mongo.getDatabase("caravan").getCollection("pins");
                awaitAtLeast(mongo, keys);
                awaitNoLag(brokers);
                assertThat(pins.countDocuments()).as("each key exactly once").isEqualTo(keys);
                Map<Integer, Integer> stored = new HashMap<>();
                for (Document d : pins.find().projection(Projections.include("ind", "version"))) {
                    stored.put(((Number) d.get("ind")).intValue(), ((Number) d.get("version")).intValue());
                }
                assertThat(stored).as("newest version of every key").isEqualTo(newest);
            }
        } finally {
            app.close();
        }
    }

    private static void awaitAtLeast(MongoClient mongo, long count) {
        MongoCollection<Document> pins = mongo.getDatabase("caravan").getCollection("pins");
        await("at least " + count + " pins").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> pins.countDocuments() >= count);
    }

    private static void awaitNoLag(String brokers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        try (Admin admin = Admin.create(p)) {
            await("no lag").atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets("caravan-mongo").partitionsToOffsetAndMetadata().get();
                var partitions = admin.describeTopics(List.of("caravan.pins")).allTopicNames().get()
                        .get("caravan.pins").partitions();
                for (var info : partitions) {
                    TopicPartition tp = new TopicPartition("caravan.pins", info.partition());
                    long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
                    assertThat(committed.get(tp)).as("committed " + tp).isNotNull();
                    assertThat(committed.get(tp).offset()).as("committed " + tp).isEqualTo(end);
                }
            });
        }
    }
}
