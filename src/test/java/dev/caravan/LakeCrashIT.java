package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.ClientsConfiguration;
import dev.caravan.embedded.Connections;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RecordProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Given 100,000 records and the jar killed (SIGKILL) twice while the lake sink writes them, with time-based rotation
 * on: after restarts on the same data, the union of all lake files holds every record exactly once by topic,
 * partition and offset, in both zones, and the reconcile endpoint reports no gap and no overlap. The same holds for
 * back-dated records compacted over and over while they are written, with a kill in between.
 */
class LakeCrashIT {

    private static final int RECORDS = Integer.getInteger("it.crash.records", 100_000);
    private static final String TOPIC = "caravan.pins";
    private static final String PIN = "{\"index\":%d,\"unique_id\":\"pin-%d\",\"title\":\"t\",\"description\":\"d\","
            + "\"follower_count\":\"%dk\",\"category\":\"diy\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\"}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FLUSH = 1_000;

    @TempDir
    Path workDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void killedTwiceWhileWritingEveryRecordIsInTheLakeExactlyOnce() throws Exception {
        int httpPort = Ports.freePort("127.0.0.1");
        int s3Port = Ports.freePort("127.0.0.1");
        Map<String, String> env = lakeOnly(httpPort, s3Port, FLUSH, 1500);
        CaravanProcess app = CaravanProcess.start(workDir, env).awaitReady();
        S3Client s3 = s3(s3Port);
        try {
            try (RecordProducer producer = new RecordProducer(app.banner("Kafka"))) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(TOPIC, "pin-" + i, PIN.formatted(i, i, i % 90));
                }
                producer.flush();
            }
            int units = RECORDS / FLUSH;
            awaitManifests(s3, units / 4);
            app.kill();

            app = CaravanProcess.start(workDir, env).awaitReady();
            awaitManifests(s3, units * 6 / 10);
            report(app);
            app.kill();

            app = CaravanProcess.start(workDir, env).awaitReady();
            String reconcile = "http://127.0.0.1:" + httpPort + "/api/v1/lake/reconcile?topic=" + TOPIC;
            JsonNode report = await("everything landed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(reconcile)).build(),
                            HttpResponse.BodyHandlers.ofString()).body()), r -> landed(r));
            assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
            report(app);

            assertEveryRecordOnceInBothZones(s3, RECORDS);
        } finally {
            s3.close();
            app.close();
        }
    }

    @Test
    void compactedWhileBackDatedRecordsAreWrittenAndKilledInBetweenNothingIsDoubledOrLost() throws Exception {
        int records = Math.max(2_000, RECORDS / 5);
        int httpPort = Ports.freePort("127.0.0.1");
        int s3Port = Ports.freePort("127.0.0.1");
        Map<String, String> env = lakeOnly(httpPort, s3Port, 250, 500);
        long yesterday = System.currentTimeMillis() - 86_400_000L;
        java.nio.file.Files.createDirectories(workDir.resolve("compacted"));
        CaravanProcess app = CaravanProcess.start(workDir.resolve("compacted"), env).awaitReady();
        S3Client s3 = s3(s3Port);
        java.util.concurrent.atomic.AtomicBoolean compacting = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        URI compact = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/lake/compact?topics=" + TOPIC);
        Thread compactor = new Thread(() -> {
            while (compacting.get()) {
                try {
                    if (http.send(HttpRequest.newBuilder(compact).POST(HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        runs.incrementAndGet();
                    }
                } catch (Exception killedMeanwhile) {
                    // the process is down between the kill and the restart: ask again
                }
            }
        }, "compaction-loop");
        try {
            try (RecordProducer producer = new RecordProducer(app.banner("Kafka"))) {
                for (int i = 0; i < records; i++) {
                    // spread over the hours of yesterday, so every file set is a past day's and may be compacted
                    producer.send(TOPIC, "pin-" + i, PIN.formatted(i, i, i % 90), yesterday - (i % 20) * 3_600_000L);
                }
                producer.flush();
            }
            compactor.start();
            awaitManifests(s3, records / 250 / 3);
            app.kill();
            app = CaravanProcess.start(workDir.resolve("compacted"), env).awaitReady();
            report(app);
            String reconcile = "http://127.0.0.1:" + httpPort + "/api/v1/lake/reconcile?topic=" + TOPIC;
            await("everything landed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(reconcile)).build(),
                            HttpResponse.BodyHandlers.ofString()).body()), r -> landed(r) && r.get("ok").asBoolean());
            int before = runs.get();
            await("compaction ran after everything landed").atMost(Duration.ofMinutes(1)).until(() -> runs.get() > before + 1);
            compacting.set(false);
            compactor.join(30_000);

            assertEveryRecordOnceInBothZones(s3, records);
            assertThat(LakeFiles.keys(s3, "caravan-lake", "raw/" + TOPIC + "/")).as("compaction merged files")
                    .anyMatch(k -> k.contains("c.ndjson.gz"));
        } finally {
            compacting.set(false);
            s3.close();
            app.close();
        }
    }

    private static void assertEveryRecordOnceInBothZones(S3Client s3, int records) {
        for (String zone : List.of("raw", "clean")) {
            List<JsonNode> lines = LakeFiles.lines(s3, "caravan-lake", zone + "/" + TOPIC + "/");
            Set<String> seen = new HashSet<>();
            for (JsonNode l : lines) {
                String at = zone.equals("raw") ? l.get("partition").asInt() + "@" + l.get("offset").asLong()
                        : l.get("_partition").asInt() + "@" + l.get("_offset").asLong();
                assertThat(seen.add(at)).as(zone + " zone: " + at + " twice").isTrue();
            }
            assertThat(lines).as(zone + " zone: every record").hasSize(records);
        }
    }

    /** The jar on these ports with only the lake sink at work, file sets closed by count and by time. */
    private static Map<String, String> lakeOnly(int httpPort, int s3Port, int flushRecords, int rotateMs) {
        return Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(httpPort),
                "CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_MONGO_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_S3_PORT", String.valueOf(s3Port),
                "CARAVAN_MONGO_FLOWS", "",
                "CARAVAN_LAKE_FLOWS", "pins",
                "CARAVAN_LAKE_FLUSH_RECORDS", String.valueOf(flushRecords),
                "CARAVAN_LAKE_ROTATE_INTERVAL_MS", String.valueOf(rotateMs),
                "CARAVAN_LAKE_CHECK_INTERVAL_MS", "100");
    }

    private static S3Client s3(int port) {
        return ClientsConfiguration.s3Client(new Connections(null, false, null, null, false,
                "http://127.0.0.1:" + port, "us-east-1", "caravan-lake", "caravan", "caravan-embedded", true), true);
    }

    /** What recovery did after a kill (it depends on where the kill landed), for the test log. */
    private static void report(CaravanProcess app) {
        app.stdout().lines().filter(l -> l.contains("not committed before a stop")).forEach(l -> System.out.println("recovery: " + l));
    }

    private static boolean landed(JsonNode report) {
        if (report == null || !report.has("partitions")) {
            return false;
        }
        for (JsonNode p : report.get("partitions")) {
            if (p.get("notYetLanded").asLong() > 0) {
                return false;
            }
        }
        return true;
    }

    private static void awaitManifests(S3Client s3, int count) {
        await("at least " + count + " file sets").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> LakeFiles.keys(s3, "caravan-lake", "_manifests/" + TOPIC + "/").size() > count);
    }
}
