package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.embedded.EmbeddedS3;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 stops while records keep coming: the lake sink retries with backoff, commits nothing meanwhile, the console's
 * overview shows the sink's last error, and once S3 is back every record lands exactly once.
 */
class LakeOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PIN = "{\"index\":%d,\"unique_id\":\"pin-%d\",\"title\":\"t\",\"description\":\"d\","
            + "\"follower_count\":\"1k\",\"category\":\"diy\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\"}";

    @TempDir
    Path data;

    @Test
    void anS3OutageLosesNothingAndDuplicatesNothing() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        EmbeddedS3 s3 = new EmbeddedS3(data.resolve("s3"), "127.0.0.1", port, "test", "test-secret-key");
        s3.start();
        try (RunningCaravan app = RunningCaravan.start(data.resolve("app"), Map.of(
                "caravan.s3.endpoint", s3.endpoint(),
                "caravan.s3.access-key", "test",
                "caravan.s3.secret-key", "test-secret-key",
                "caravan.mongo.flows", "",
                "caravan.lake.flows", "pins",
                "caravan.lake.flush-records", "500",
                "caravan.lake.rotate-interval-ms", "1000",
                "caravan.lake.check-interval-ms", "200"));
                RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            send(producer, 0, 2_000);
            await("the first records landed").atMost(Duration.ofSeconds(60))
                    .until(() -> LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.pins/").size() == 2_000);

            s3.close();
            send(producer, 2_000, 4_000);
            // the sink is stuck on S3 and says so
            await("the sink's last error").atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode overview = JSON.readTree(app.get("/api/v1/overview").body());
                for (JsonNode sink : overview.get("sinks")) {
                    if (sink.get("name").asText().equals("lake") && sink.hasNonNull("lastError")) {
                        return sink.get("lag").asLong() > 0;
                    }
                }
                return false;
            });

            s3 = new EmbeddedS3(data.resolve("s3"), "127.0.0.1", port, "test", "test-secret-key");
            s3.start();
            await("everything landed").atMost(Duration.ofSeconds(120))
                    .until(() -> LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.pins/").size() >= 4_000);
            List<JsonNode> lines = LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.pins/");
            Set<String> offsets = new HashSet<>();
            for (JsonNode l : lines) {
                assertThat(offsets.add(l.get("partition").asInt() + "@" + l.get("offset").asLong())).isTrue();
            }
            assertThat(lines).hasSize(4_000);
            JsonNode report = JSON.readTree(app.get("/api/v1/lake/reconcile?topic=caravan.pins").body());
            assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
        } finally {
            s3.close();
        }
    }

    private static void send(RecordProducer producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            producer.send("caravan.pins", "pin-" + i, PIN.formatted(i, i));
        }
        producer.flush();
    }
}
