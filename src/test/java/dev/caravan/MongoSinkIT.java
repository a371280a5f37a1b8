package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given records on the stream topics: cleaned documents in their collections, poison records in the DLQ. */
class MongoSinkIT {

    @TempDir
    static Path data;
    static RunningCaravan app;

    @BeforeAll
    static void start() {
        app = RunningCaravan.start(data, Map.of("caravan.flows.users.newerField", "version"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void postedRecordsAreCleanedIntoTheirCollections() throws Exception {
        accepted("/api/v1/streams/pins", "{\"index\":\"9001\",\"unique_id\":\"pin-9001\","
                + "\"title\":\"No Title Data Available\",\"description\":\"Cozy cabin\",\"poster_name\":\"Ada\","
                + "\"follower_count\":\"1.5M\",\"tag_list\":\"a,b\",\"is_image_or_video\":\"image\","
                + "\"image_src\":\"Image src error.\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\","
                + "\"category\":\"diy\"}");
        accepted("/api/v1/streams/geo", "{\"ind\":9001,\"timestamp\":\"2020-08-28 03:52:47\","
                + "\"latitude\":-89.9787,\"longitude\":-173.293,\"country\":\"Albania\"}");
        accepted("/api/v1/streams/users", "{\"ind\":9001,\"first_name\":\"Ada\","
                + "\"last_name\":\"King\",\"age\":\"36\",\"date_joined\":\"2015-10-31 11:13:49\"}");

        Document pin = awaitOne("pins", Filters.eq("unique_id", "pin-9001"));
        assertThat(pin.get("ind")).isEqualTo(9001L);
        assertThat(pin.get("follower_count")).isEqualTo(1_500_000L);
        assertThat(pin.get("title")).isNull();
        assertThat(pin.get("save_location")).isEqualTo("/data/diy");
        assertThat(pin.get("downloaded")).isEqualTo(true);
        Document geo = awaitOne("geo", Filters.eq("ind", 9001L));
        assertThat(geo.get("coordinates", Document.class).getList("coordinates", Double.class))
                .containsExactly(-173.293, -89.9787);
        assertThat(geo.getDate("timestamp")).isEqualTo(Date.from(Instant.parse("2020-08-28T03:52:47Z")));
        Document user = awaitOne("users", Filters.eq("ind", 9001L));
        assertThat(user.get("user_name")).isEqualTo("Ada King");
        assertThat(user.get("age")).isEqualTo(36L);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirStageAndTheRecordsAfterThemAreWritten() throws Exception {
        String good = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1,\"longitude\":2,\"country\":\"Chad\"}";
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            // one partition's worth of order: everything keyed alike
            producer.send("caravan.geo", "k", "{not json")
                    .send("caravan.geo", "k", "{\"ind\":\"north\",\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1,\"longitude\":2}")
                    .send("caravan.geo", "k", good.formatted(8001).replace("\"country\"", "\"$where\":\"1\",\"country\""))
                    .send("caravan.geo", "k", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})
                    .send("caravan.geo", "k", good.formatted(8002));
            producer.flush();
        }

        awaitOne("geo", Filters.eq("ind", 8002L));
        List<ConsumerRecord<String, String>> all = await().atMost(Duration.ofSeconds(30)).until(
                () -> TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.geo.dlq"), l -> l.size() >= 4);
        // dead letters are at least once: a batch retried after a failed publish may send one again; one per source
        java.util.Map<String, ConsumerRecord<String, String>> bySource = new java.util.LinkedHashMap<>();
        all.forEach(r -> bySource.putIfAbsent(header(r, "caravan.source.partition") + "@"
                + header(r, "caravan.source.offset"), r));
        List<ConsumerRecord<String, String>> dlq = bySource.values().stream()
                .sorted(java.util.Comparator.comparingLong(r -> Long.parseLong(header(r, "caravan.source.offset"))))
                .toList();
        assertThat(dlq).extracting(r -> header(r, "caravan.error.stage"))
                .containsExactly("parse", "clean", "validate", "parse");
        assertThat(dlq.get(0).value()).isEqualTo("{not json");
        assertThat(header(dlq.get(1), "caravan.error.message")).contains("ind must be a whole number");
        assertThat(header(dlq.get(2), "caravan.error.message")).contains("$where");
        assertThat(header(dlq.get(0), "caravan.source.topic")).isEqualTo("caravan.geo");
        assertThat(header(dlq.get(0), "caravan.attempts")).isEqualTo("1");
        assertThat(app.mongo().getCollection("geo").countDocuments(Filters.eq("ind", 8001L))).isZero();
        awaitCommittedToTheEnd("caravan.geo");
    }

    @Test
    void anOlderVersionNeverOverwritesANewerOneAndDuplicatesAreStoredOnce() throws Exception {
        String user = "{\"ind\":7001,\"first_name\":\"V%d\",\"last_name\":\"X\",\"age\":30,"
                + "\"date_joined\":\"2016-01-01 00:00:00\",\"version\":%d}";
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            producer.send("caravan.users", "7001", user.formatted(1, 1)).send("caravan.users", "7001", user.formatted(3, 3))
                    .send("caravan.users", "7001", user.formatted(3, 3)).flush();
        }
        awaitOne("users", Filters.and(Filters.eq("ind", 7001L), Filters.eq("version", 3L)));
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            producer.send("caravan.users", "7001", user.formatted(2, 2)).send("caravan.users", "7002",
                    user.replace("7001", "7002").formatted(1, 1)).flush();
        }
        awaitOne("users", Filters.eq("ind", 7002L));

        assertThat(app.mongo().getCollection("users").countDocuments(Filters.eq("ind", 7001L))).isEqualTo(1);
        assertThat(app.mongo().getCollection("users").find(Filters.eq("ind", 7001L)).first().get("user_name"))
                .isEqualTo("V3 X");
    }

    @Test
    void polledRecordsLandInTheirCollectionsAndALaterMatchUpdateWins() throws Exception {
        String match = java.nio.file.Files.readString(Path.of("src/test/resources/fixtures/football-match.json"));
        String earlier = match.replace("\"FINISHED\"", "\"IN_PLAY\"").replace("2024-06-02T20:20:55Z", "2023-08-11T19:30:00Z");
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            producer.send("nyt.bestsellers", "b", java.nio.file.Files.readString(
                            Path.of("src/test/resources/fixtures/nyt-book.json")))
                    .send("randomuser.users", "u", java.nio.file.Files.readString(
                            Path.of("src/test/resources/fixtures/randomuser-result.json")))
                    .send("football.matches", "435943", match)
                    .send("football.matches", "435943", earlier)
                    .flush();
        }

        assertThat(awaitOne("bestsellers", Filters.eq("book_key", "9780385548953")).get("rank")).isEqualTo(1L);
        assertThat(awaitOne("randomusers", Filters.eq("uuid", "7a0eed16-9430-4d68-901f-c0d4c1c3bf00")))
                .doesNotContainKey("password");
        Document stored = awaitOne("matches", Filters.eq("match_id", 435943L));
        assertThat(stored.get("status")).as("the later update wins over the earlier one sent after it")
                .isEqualTo("FINISHED");
        assertThat(app.mongo().getCollection("matches").countDocuments()).isEqualTo(1);
    }

    @Test
    void redriveSendsEachDeadLetterBackToItsTopicOnce() throws Exception {
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            producer.send("caravan.users", "r1", "{broken").send("caravan.users", "r2", "[\"not an object\"]").flush();
        }
        String brokers = app.connections().kafkaBrokers();
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(brokers, "caravan.users.dlq").size() == 2);

        var first = new java.io.ByteArrayOutputStream();
        int code = dev.caravan.cli.RedriveCommand.run(new String[] {"caravan.users", "--url", app.http("").toString()},
                new java.io.PrintStream(first, true, StandardCharsets.UTF_8));

        assertThat(code).as(first.toString()).isZero();
        assertThat(first.toString()).contains("\"redriven\":2");
        // still broken, so they come back, as their second attempt
        List<ConsumerRecord<String, String>> dlq = await().atMost(Duration.ofSeconds(30)).until(
                () -> TopicReader.readAll(brokers, "caravan.users.dlq"), l -> l.size() == 4);
        assertThat(dlq).extracting(r -> header(r, "caravan.attempts")).containsExactlyInAnyOrder("1", "1", "2", "2");
        assertThat(dlq).filteredOn(r -> "2".equals(header(r, "caravan.attempts"))).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("{broken", "[\"not an object\"]");
        // a second redrive sends only what arrived since the first
        var second = app.post("/api/v1/dlq/caravan.users/redrive", "application/json", "");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"redriven\":2");
        assertThat(app.post("/api/v1/dlq/nowhere/redrive", "application/json", "").statusCode()).isEqualTo(404);
    }

    private static void accepted(String path, String body) throws Exception {
        var answer = app.post(path, "application/json", body);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(202);
    }

    private static Document awaitOne(String collection, org.bson.conversions.Bson filter) {
        MongoCollection<Document> c = app.mongo().getCollection(collection);
        return await(collection).atMost(Duration.ofSeconds(60)).until(() -> c.find(filter).first(), d -> d != null);
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void awaitCommittedToTheEnd(String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, app.connections().kafkaBrokers());
        try (Admin admin = Admin.create(p)) {
            await("caravan-mongo lag zero on " + topic).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets("caravan-mongo").partitionsToOffsetAndMetadata().get();
                for (var info : partitions) {
                    TopicPartition tp = new TopicPartition(topic, info.partition());
                    long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
                    long at = committed.containsKey(tp) ? committed.get(tp).offset() : 0;
                    assertThat(at).as("committed offset of " + tp).isEqualTo(end);
                }
            });
        }
    }
}
