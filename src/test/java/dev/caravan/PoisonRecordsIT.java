package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.caravan.testing.LogLines;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No door is weaker than another and no record stops its sink: with API keys set, the inbox needs one like every
 * ingest endpoint; a body MongoDB could not store is refused with a 4xx at the door, and the same bytes written to
 * Kafka directly become dead letters while the record after them lands; the log stays small. Fields that name a
 * join key or _id come from the declared key only.
 */
class PoisonRecordsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "inbox-test-key";
    private static final String DEEP = "{\"a\":".repeat(120) + "1" + "}".repeat(120);

    @TempDir
    static Path data;
    static RunningCaravan app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = RunningCaravan.start(data, Map.of("caravan.ingest.api-keys", KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void theInboxNeedsAKeyAndRefusesWhatMongoDbCouldNotStore() throws Exception {
        assertThat(post("/api/v1/inbox", "{\"n\":1}", null).statusCode()).isEqualTo(401);
        assertThat(post("/api/v1/inbox", "{\"n\":1}", "wrong").statusCode()).isEqualTo(401);
        for (String poison : List.of("{\"$where\":\"1\"}", "{\"d\":{\"$date\":\"x\"}}", "{\"a.b\":1}",
                "{\"_id\":\"someone-else\"}", DEEP, "[{\"n\":1}]")) {
            HttpResponse<String> r = post("/api/v1/inbox", poison, KEY);
            assertThat(r.statusCode()).as(poison.length() > 40 ? "deep nesting" : poison).isBetween(400, 499);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        HttpResponse<String> ok = post("/api/v1/inbox", "{\"n\":2}", KEY);
        assertThat(ok.statusCode()).isEqualTo(202);
        String id = JSON.readTree(ok.body()).get("id").asText();
        await("the good record").atMost(Duration.ofSeconds(20)).until(
                () -> app.mongo().getCollection("inbox").find(Filters.eq("_id", id)).first() != null);
    }

    @Test
    void poisonWrittenToKafkaDirectlyIsDeadLetteredAndThePartitionMovesOn() throws Exception {
        try (LogLines log = LogLines.capture();
                RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            // one key, so one partition: everything after the poison waits for it unless it moves on
            producer.send("caravan.inbox", "p1", "{\"$where\":\"1\"}")
                    .send("caravan.inbox", "p1", "{\"d\":{\"$date\":\"x\"}}")
                    .send("caravan.inbox", "p1", DEEP)
                    .send("caravan.inbox", "p1", "{\"_id\":\"someone-else\"}")
                    .send("caravan.inbox", "p1", "{\"after\":true}")
                    .flush();
            await("the record after the poison").atMost(Duration.ofSeconds(20)).until(
                    () -> app.mongo().getCollection("inbox").find(Filters.eq("after", true)).first() != null);
            List<ConsumerRecord<String, String>> dlq = await().atMost(Duration.ofSeconds(20)).until(
                    () -> bySource(TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.inbox.dlq")),
                    l -> l.size() >= 4);
            assertThat(dlq).extracting(r -> header(r, "caravan.error.stage"))
                    .containsExactly("validate", "validate", "parse", "validate");
            assertThat(app.mongo().getCollection("inbox").countDocuments(Filters.eq("_id", "someone-else"))).isZero();
            assertThat(log.lines()).as("a WARN per dead letter, no retry loop").hasSizeLessThan(15);
        }
    }

    @Test
    void aPinCannotWriteItselfIntoAnotherPostOrChooseAnId() throws Exception {
        String pin = "{\"index\":%s,\"unique_id\":\"%s\",\"title\":\"%s\",\"description\":\"d\",\"follower_count\":\"1k\","
                + "\"category\":\"diy\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\",\"tag_list\":\"a\","
                + "\"is_image_or_video\":\"image\",\"image_src\":\"x\"%s}";
        assertThat(post("/api/v1/streams/pins", pin.formatted(999, "pin-999", "mine", ""), KEY).statusCode())
                .isEqualTo(202);
        Document post = await("post 999").atMost(Duration.ofSeconds(30)).until(
                () -> app.mongo().getCollection("posts").find(Filters.eq("ind", 999L)).first(), d -> d != null);
        assertThat(post.get("pin", Document.class).getString("title")).isEqualTo("mine");

        // index 1 but ind 999: accepted at the door (extra fields are allowed), refused by cleaning
        assertThat(post("/api/v1/streams/pins", pin.formatted(1, "pin-hijack", "hijack", ",\"ind\":999"), KEY)
                .statusCode()).isEqualTo(202);
        // _id of its own: refused at the door, and dead-lettered when it comes through Kafka directly
        assertThat(post("/api/v1/streams/pins", pin.formatted(2, "pin-id", "id", ",\"_id\":\"x\""), KEY).statusCode())
                .isEqualTo(422);
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            producer.send("caravan.pins", "pin-id", pin.formatted(2, "pin-id", "id", ",\"_id\":\"x\"")).flush();
        }
        List<ConsumerRecord<String, String>> dlq = await().atMost(Duration.ofSeconds(30)).until(
                () -> TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.pins.dlq"), l -> l.size() >= 2);
        assertThat(dlq).extracting(r -> header(r, "caravan.error.stage")).contains("clean", "validate");
        assertThat(dlq).anySatisfy(r -> assertThat(header(r, "caravan.error.message")).contains("disagrees with index"));
        assertThat(app.mongo().getCollection("posts").find(Filters.eq("ind", 999L)).first()
                .get("pin", Document.class).getString("title")).isEqualTo("mine");
        assertThat(app.mongo().getCollection("pins").countDocuments(Filters.in("unique_id", "pin-hijack", "pin-id")))
                .isZero();
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.http(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One dead letter per source record, in source order (dead letters are at least once). */
    private static List<ConsumerRecord<String, String>> bySource(List<ConsumerRecord<String, String>> all) {
        Map<Long, ConsumerRecord<String, String>> first = new java.util.TreeMap<>();
        all.forEach(r -> first.putIfAbsent(Long.parseLong(header(r, "caravan.source.offset")), r));
        return List.copyOf(first.values());
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
