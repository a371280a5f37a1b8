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
import dev.caravan.config.CaravanConfiguration;
import dev.caravan.config.Connections;
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
 * partition and offset, in both zones, and the reconcile endpoint reports no gap and no overlap.
 */
class LakeCrashIT {

    private static final int RECORDS = Integer.getInteger("caravan.it.crash.records", 100_000);
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
        Map<String, String> env = Map.of(
                "CARAVAN_HTTP_PORT", String.valueOf(httpPort),
                "CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_MONGO_PORT", String.valueOf(Ports.freePort("127.0.0.1")),
                "CARAVAN_EMBEDDED_S3_PORT", String.valueOf(s3Port),
                // only the lake sink works in this test
                "CARAVAN_MONGO_TOPICS", "caravan.unused",
                "CARAVAN_LAKE_TOPICS", TOPIC,
                "CARAVAN_LAKE_FLUSH_RECORDS", String.valueOf(FLUSH),
                "CARAVAN_LAKE_ROTATE_INTERVAL_MS", "1500",
                "CARAVAN_LAKE_CHECK_INTERVAL_MS", "100");
        CaravanProcess app = CaravanProcess.start(workDir, env).awaitReady();
        S3Client s3 = CaravanConfiguration.s3Client(new Connections(null, false, null, null, false,
                "http://127.0.0.1:" + s3Port, "us-east-1", "caravan-lake", "caravan", "caravan-embedded", true), true);
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

            for (String zone : List.of("raw", "clean")) {
                List<JsonNode> lines = LakeFiles.lines(s3, "caravan-lake", zone + "/" + TOPIC + "/");
                Set<String> seen = new HashSet<>();
                for (JsonNode l : lines) {
                    String at = zone.equals("raw") ? l.get("partition").asInt() + "@" + l.get("offset").asLong()
                            : l.get("_partition").asInt() + "@" + l.get("_offset").asLong();
                    assertThat(seen.add(at)).as(zone + " zone: " + at + " twice").isTrue();
                }
                assertThat(lines).as(zone + " zone: every record").hasSize(RECORDS);
            }
        } finally {
            s3.close();
            app.close();
        }
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
