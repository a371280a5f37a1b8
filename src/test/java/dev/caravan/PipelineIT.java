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
import dev.caravan.testing.RunningCaravan;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Given the app started as java -jar starts it, one record posted over HTTP lands in MongoDB and in S3. */
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningCaravan app;

    @BeforeAll
    static void start() {
        app = RunningCaravan.start(data, Map.of());
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

        String prefix = "raw/caravan.inbox/dt=";
        String suffix = "/caravan.inbox+" + partition + "+" + "%020d".formatted(offset) + ".json";
        S3Object object = await("object in S3").atMost(Duration.ofSeconds(60)).until(() -> app.s3()
                .listObjectsV2(b -> b.bucket(app.connections().s3Bucket()).prefix(prefix)).contents().stream()
                .filter(o -> o.key().endsWith(suffix)).findFirst().orElse(null), o -> o != null);
        assertThat(object.key()).matches("raw/caravan\\.inbox/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/.*");
        assertThat(JSON.readTree(app.object(object.key()))).isEqualTo(JSON.readTree(record));
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
                .contains("routeId=\"inbox-publish\"").contains("routeId=\"inbox-to-mongo\""));
    }

    @Test
    void lakeKeysAreTheOnesTheLakeKeysBeanComputes() {
        // the layout tests assert is the production one, not a copy
        assertThat(new LakeKeys("").rawJson("t", 2, 7L, 0L)).isEqualTo("raw/t/dt=1970-01-01/hour=00/t+2+00000000000000000007.json");
    }
}
