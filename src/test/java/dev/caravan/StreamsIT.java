package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given the app on the embedded broker: posted records are on their stream's topic, keyed, at the receipted offsets. */
class StreamsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GEO = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":-89.9787,"
            + "\"longitude\":-173.293,\"country\":\"Albania\"}";

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
        // the sinks were busy with these tests' records: their batches finish before the routes they call stop
        assertThat(app.stoppedCleanly()).as("stopped without Camel's shutdown timing out").isTrue();
    }

    @Test
    void ndjsonRecordsLandOnTheStreamTopicWithTheirKeyAtTheReceiptedOffsets() throws Exception {
        String body = GEO.formatted(101) + "\n" + GEO.formatted(102) + "\n" + GEO.formatted(103) + "\n";

        HttpResponse<String> response = app.post("/api/v1/streams/geo", "application/x-ndjson", body);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("accepted").asInt()).isEqualTo(3);
        Map<String, ConsumerRecord<String, String>> onTopic = TopicReader
                .readAll(app.connections().kafkaBrokers(), "caravan.geo").stream()
                .collect(Collectors.toMap(ConsumerRecord::key, r -> r, (a, b) -> b));
        for (int i = 0; i < 3; i++) {
            JsonNode receipt = answer.get("receipts").get(i);
            ConsumerRecord<String, String> record = onTopic.get(String.valueOf(101 + i));
            assertThat(record).as("record with key " + (101 + i)).isNotNull();
            assertThat(record.partition()).isEqualTo(receipt.get("partition").asInt());
            assertThat(record.offset()).isEqualTo(receipt.get("offset").asLong());
            assertThat(JSON.readTree(record.value())).isEqualTo(JSON.readTree(GEO.formatted(101 + i)));
        }
    }

    @Test
    void aBatchWithOneInvalidRecordPublishesNothing() throws Exception {
        String body = "[" + GEO.formatted(201) + ",{\"ind\":202,\"latitude\":\"north\"}," + GEO.formatted(203) + "]";

        HttpResponse<String> response = app.post("/api/v1/streams/geo", "application/json", body);

        assertThat(response.statusCode()).isEqualTo(422);
        List<String> keys = TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.geo").stream()
                .map(ConsumerRecord::key).toList();
        assertThat(keys).doesNotContain("201", "202", "203");
    }

    @Test
    void aRepeatedIdempotencyKeyGetsTheFirstAnswerAndPublishesNothingAgain() throws Exception {
        String body = "[" + GEO.formatted(301) + "," + GEO.formatted(302) + "]";
        HttpResponse<String> first = postWithKey("geo", body, "order-301");
        HttpResponse<String> repeat = postWithKey("geo", body, "order-301");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(repeat.statusCode()).isEqualTo(202);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        // commit markers follow the producer's commit: wait until the batch is visible, then count
        List<String> keys = TopicReader.readAtLeast(app.connections().kafkaBrokers(), "caravan.geo", 1).stream()
                .map(ConsumerRecord::key).filter(k -> k.equals("301") || k.equals("302")).toList();
        for (long end = System.nanoTime() + 30_000_000_000L; keys.size() < 2 && System.nanoTime() < end; ) {
            keys = TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.geo").stream()
                    .map(ConsumerRecord::key).filter(k -> k.equals("301") || k.equals("302")).toList();
        }
        assertThat(keys).as("each record once").hasSize(2);

        HttpResponse<String> reused = postWithKey("geo", GEO.formatted(399), "order-301");
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.body()).contains("different request");
    }

    @Test
    void aKeyWhoseRequestFailedCanBeUsedAgain() throws Exception {
        assertThat(postWithKey("geo", "{\"ind\":401}", "retry-me").statusCode()).isEqualTo(422);

        assertThat(postWithKey("geo", GEO.formatted(401), "retry-me").statusCode()).isEqualTo(202);
    }

    private static HttpResponse<String> postWithKey(String stream, String body, String key) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                app.http("/api/v1/streams/" + stream)).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theOpenApiDocumentIsValidAndCarriesEachStreamsSchema() throws Exception {
        HttpResponse<String> response = app.get("/api/openapi.json");

        assertThat(response.statusCode()).isEqualTo(200);
        var parsed = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(response.body());
        assertThat(parsed.getMessages()).as("OpenAPI parser messages").isEmpty();
        JsonNode doc = JSON.readTree(response.body());
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        JsonNode geoFile = JSON.readTree(getClass().getClassLoader().getResource("schemas/geo.schema.json"));
        assertThat(doc.at("/components/schemas/geo/required")).isEqualTo(geoFile.get("required"));
        assertThat(doc.at("/paths/~1api~1v1~1streams~1{stream}/post/responses/422/content")
                .has("application/problem+json")).isTrue();
        assertThat(doc.at("/paths/~1api~1v1~1streams~1{stream}/post/requestBody/content").has("application/x-ndjson"))
                .isTrue();
    }

    @Test
    void aSingleRecordIsPublishedAndReceipted() throws Exception {
        HttpResponse<String> response = app.post("/api/v1/streams/users", "application/json",
                "{\"ind\":7,\"first_name\":\"Ada\",\"last_name\":\"King\",\"age\":36,\"date_joined\":\"2015-10-31 11:13:49\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        long offset = JSON.readTree(response.body()).get("receipts").get(0).get("offset").asLong();
        assertThat(TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.users"))
                .anySatisfy(r -> {
                    assertThat(r.key()).isEqualTo("7");
                    assertThat(r.offset()).isEqualTo(offset);
                });
    }
}
