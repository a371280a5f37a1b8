package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.caravan.sink.lake.LakeKeys;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RunningCaravan;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given the app started as java -jar starts it, one record posted over HTTP lands in MongoDB and in S3. */
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningCaravan app;

    @BeforeAll
    static void start() {
        // file sets close after a second, not a minute, so the record reaches S3 quickly
        app = RunningCaravan.start(data, Map.of("caravan.lake.rotate-interval-ms", "1000",
                "caravan.lake.check-interval-ms", "200"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void aPostedRecordIsAcknowledgedThenStoredInMongoAndInTheLake() throws Exception {
        String record = "{\"pin\":\"abc\",\"follower_count\":\"12k\",\"tags\":[\"a\",\"b\"]}";

        HttpResponse<String> response = app.post("/api/v1/inbox", "application/json", record);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode receipt = JSON.readTree(response.body());
        String id = receipt.get("id").asText();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(receipt.get("topic").asText()).isEqualTo("caravan.inbox");
        int partition = receipt.get("partition").asInt();
        long offset = receipt.get("offset").asLong();

        Document stored = await("document in MongoDB").atMost(Duration.ofSeconds(60))
                .until(() -> app.mongo().getCollection("inbox").find(Filters.eq("_id", id)).first(), d -> d != null);
        assertThat(stored.getString("pin")).isEqualTo("abc");
        assertThat(stored.getString("follower_count")).isEqualTo("12k");
        assertThat(stored.getList("tags", String.class)).containsExactly("a", "b");
        assertThat(stored.get("_source", Document.class).getLong("offset")).isEqualTo(offset);

        // the lake: a file set of the inbox partition, its line holding the record as received
        String suffix = "/caravan.inbox+" + partition + "+";
        JsonNode line = await("record in the lake").atMost(Duration.ofSeconds(60)).until(() -> LakeFiles
                .lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.inbox/").stream()
                .filter(l -> l.get("partition").asInt() == partition && l.get("offset").asLong() == offset)
                .findFirst().orElse(null), l -> l != null);
        assertThat(line.get("value")).isEqualTo(JSON.readTree(record));
        assertThat(LakeFiles.keys(app.s3(), app.connections().s3Bucket(), "raw/caravan.inbox/"))
                .anyMatch(k -> k.matches("raw/caravan\\.inbox/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/.*") && k.contains(suffix));
    }

    @Test
    void badInputIsAnsweredWithAProblemNotAStackTrace() throws Exception {
        HttpResponse<String> notJson = app.post("/api/v1/inbox", "application/json", "{\"a\":");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(notJson.body()).get("detail").asText()).contains("not valid JSON", "line 1");

        HttpResponse<String> array = app.post("/api/v1/inbox", "application/json", "[1,2]");
        assertThat(array.statusCode()).isEqualTo(422);
        assertThat(array.body()).contains("JSON array");

        HttpResponse<String> tooBig = app.post("/api/v1/inbox", "application/json",
                "{\"a\":\"" + "x".repeat(1_100_000) + "\"}");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooBig.body()).get("detail").asText()).contains("1048576 bytes");

        HttpResponse<String> unknown = app.get("/api/v1/nowhere");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> text = app.post("/api/v1/inbox", "text/plain", "hello");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).contains("application/json").doesNotContain("Exception");
    }

    @Test
    void healthReportsKafkaMongoAndS3AndMetricsCountPerRoute() throws Exception {
        HttpResponse<String> health = await().atMost(Duration.ofSeconds(30))
                .until(() -> app.get("/observe/health"), r -> r.statusCode() == 200);
        JsonNode checks = JSON.readTree(health.body()).get("checks");
        assertThat(checks.findValuesAsText("name")).contains("kafka", "mongodb", "s3");
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");

        app.post("/api/v1/inbox", "application/json", "{\"n\":1}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.get("/observe/metrics").body())
                .contains("routeId=\"inbox-publish\"", "caravan_sink_writes_total{collection=\"inbox\"")
                // a flow's route is timed once per batch it takes a share of: no route runs per record
                .contains("routeId=\"flow-inbox\""));
    }

    @Test
    void lakeKeysAreTheOnesTheLakeKeysBeanComputes() {
        // the layout tests assert is the production one, not a copy
        assertThat(new LakeKeys("").key("raw", "t", 2, 7L, 0L, "ndjson.gz"))
                .isEqualTo("raw/t/dt=1970-01-01/hour=00/t+2+00000000000000000007.ndjson.gz");
    }
}
