package dev.caravan;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.caravan.emulate.PinterestGenerator;
import dev.caravan.schema.ConfluentWire;
import dev.caravan.schema.JsonAvro;
import dev.caravan.schema.SchemaRegistry;
import dev.caravan.schema.StreamFormats;
import dev.caravan.testing.FixtureApi;
import dev.caravan.testing.FixtureApi.Answer;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every built-in stream set to Avro: the ingest API and the pollers produce Confluent wire records whose ids the
 * registry API resolves; each record lands in MongoDB exactly like its JSON twin (the same record produced as JSON on
 * the same topic) and in both lake zones, the raw Avro files carrying the writer's schema; a newer schema version is
 * read by consumers of both versions; a record that does not fit is refused with the field named, and a record naming
 * an unknown schema id goes to the dead-letter topic while the ones after it are written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AvroStreamsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STREAMS = List.of("pins", "geo", "users", "bestsellers", "randomusers", "matches");
    private static final Map<String, String> TOPICS = Map.of("pins", "caravan.pins", "geo", "caravan.geo", "users",
            "caravan.users", "bestsellers", "nyt.bestsellers", "randomusers", "randomuser.users", "matches",
            "football.matches");
    private static final int POSTS = 12;

    @TempDir
    static Path data;
    static FixtureApi api;
    static RunningCaravan app;
    static final List<PinterestGenerator.Post> posts = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        api = new FixtureApi();
        api.on("/svc/books/v3/lists/overview.json", r -> Answer.json(fixture("nyt-overview-2024-01-21.json")));
        api.on("/api/", r -> Answer.json(Integer.parseInt(r.query().get("page")) == 1
                ? fixture("randomuser-page1.json")
                : "{\"results\":[],\"info\":{\"seed\":\"caravan\",\"results\":0,\"page\":2,\"version\":\"1.4\"}}"));
        api.on("/v4/competitions/PL/matches", r -> Answer.json(fixture("football-PL-matches.json")));
        Map<String, String> p = new HashMap<>();
        STREAMS.forEach(s -> p.put("caravan.flows." + s + ".format", "avro"));
        // Avro files in the lake for two streams, NDJSON.gz for the others: both kinds carry Avro records
        p.put("caravan.flows.pins.lakeFormat", "avro");
        p.put("caravan.flows.bestsellers.lakeFormat", "avro");
        p.put("caravan.lake.rotate-interval-ms", "1500");
        p.put("caravan.lake.check-interval-ms", "200");
        p.put("caravan.lake.batch-interval-ms", "200");
        p.put("caravan.mongo.batch-interval-ms", "200");
        p.put("caravan.nyt.base-url", api.baseUrl());
        p.put("caravan.nyt.api-key", "nyt-test-key-0123456789");
        p.put("caravan.nyt.backfill-weeks", "0");
        p.put("caravan.randomuser.base-url", api.baseUrl());
        p.put("caravan.randomuser.results", "3");
        p.put("caravan.randomuser.pages", "2");
        p.put("caravan.football.base-url", api.baseUrl());
        p.put("caravan.football.api-token", "football-test-token-0123456789");
        p.put("caravan.football.competitions", "PL");
        app = RunningCaravan.start(data, p);
        PinterestGenerator generator = new PinterestGenerator(7);
        for (int i = 0; i < POSTS; i++) {
            posts.add(generator.next());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        api.close();
    }

    @Test
    @Order(1)
    void theIngestApiAndThePollersProduceConfluentAvroWhoseIdsTheRegistryApiResolves() throws Exception {
        for (String stream : List.of("pins", "geo", "users")) {
            StringBuilder ndjson = new StringBuilder();
            for (PinterestGenerator.Post post : posts) {
                ndjson.append(JSON.writeValueAsString(part(post, stream))).append('\n');
            }
            HttpResponse<String> r = app.post("/api/v1/streams/" + stream, "application/x-ndjson", ndjson.toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        for (String poller : List.of("nyt", "randomuser", "football")) {
            HttpResponse<String> r = app.post("/api/v1/pollers/" + poller + "/run", "application/json", "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("produced").asInt()).as(poller + " produced").isPositive();
        }

        for (String stream : STREAMS) {
            List<ConsumerRecord<String, byte[]>> records = TopicReader.readAllBytes(brokers(), TOPICS.get(stream));
            assertThat(records).as(stream).isNotEmpty();
            Schema expected = new Schema.Parser().parse(Path.of("src/main/avro", stream + ".avsc").toFile());
            for (ConsumerRecord<String, byte[]> record : records) {
                assertThat(record.value()[0]).as(stream + " magic byte").isEqualTo((byte) 0);
                int id = ConfluentWire.schemaId(record.value());
                HttpResponse<String> schema = app.get("/registry/schemas/ids/" + id);
                assertThat(schema.statusCode()).as(schema.body()).isEqualTo(200);
                assertThat(schema.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
                assertThat(new Schema.Parser().parse(JSON.readTree(schema.body()).get("schema").asText()))
                        .isEqualTo(expected);
            }
        }
        JsonNode subjects = JSON.readTree(app.get("/registry/subjects").body());
        assertThat(subjects).extracting(JsonNode::asText).containsAll(
                STREAMS.stream().map(s -> TOPICS.get(s) + "-value").toList());
        JsonNode latest = JSON.readTree(app.get("/registry/subjects/caravan.pins-value/versions/latest").body());
        assertThat(latest.get("version").asInt()).isEqualTo(1);
        assertThat(latest.get("subject").asText()).isEqualTo("caravan.pins-value");
        HttpResponse<String> unknown = app.get("/registry/schemas/ids/4242");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error_code").asInt()).isEqualTo(40403);
        assertThat(JSON.readTree(app.get("/registry/config").body()).get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        // the console's overview says how each topic travels
        for (JsonNode row : JSON.readTree(app.get("/api/v1/overview").body()).get("streams")) {
            if (TOPICS.containsValue(row.get("topic").asText())) {
                assertThat(row.get("format").asText()).as(row.get("topic").asText()).isEqualTo("avro");
            }
        }
    }

    @Test
    @Order(2)
    void everyAvroRecordLandsInMongoDbExactlyLikeItsJsonTwin() throws Exception {
        // the twins: the same records as JSON on the same topics, with another key
        try (RecordProducer producer = new RecordProducer(brokers())) {
            for (PinterestGenerator.Post post : posts) {
                Map<String, Object> pin = new LinkedHashMap<>(post.pin());
                pin.put("unique_id", "twin-" + pin.get("unique_id"));
                producer.send("caravan.pins", (String) pin.get("unique_id"), JSON.writeValueAsString(pin));
                Map<String, Object> geo = new LinkedHashMap<>(post.geo());
                geo.put("ind", post.ind() + 1_000_000);
                producer.send("caravan.geo", String.valueOf(geo.get("ind")), JSON.writeValueAsString(geo));
                Map<String, Object> user = new LinkedHashMap<>(post.user());
                user.put("ind", post.ind() + 1_000_000);
                producer.send("caravan.users", String.valueOf(user.get("ind")), JSON.writeValueAsString(user));
            }
            twins(producer, "bestsellers", m -> m.put("primary_isbn13", "twin" + m.get("primary_isbn13")));
            twins(producer, "randomusers", m -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> login = (Map<String, Object>) m.get("login");
                login.put("uuid", "twin-" + login.get("uuid"));
            });
            twins(producer, "matches", m -> m.put("id", ((Number) m.get("id")).longValue() + 1_000_000));
            producer.flush();
        }

        for (PinterestGenerator.Post post : posts) {
            String id = (String) post.pin().get("unique_id");
            assertSameDocument("pins", Filters.eq("unique_id", id), Filters.eq("unique_id", "twin-" + id), "unique_id");
            assertSameDocument("users", Filters.eq("ind", post.ind()), Filters.eq("ind", post.ind() + 1_000_000), "ind");
            assertSameDocument("geo", Filters.eq("ind", post.ind()), Filters.eq("ind", post.ind() + 1_000_000), "ind");
        }
        for (Map<String, Object> book : decodedRecords("bestsellers")) {
            Object isbn = book.get("primary_isbn13");
            assertSameDocument("bestsellers", Filters.and(Filters.eq("primary_isbn13", isbn),
                    Filters.eq("list_name_encoded", book.get("list_name_encoded"))), Filters.and(
                    Filters.eq("primary_isbn13", "twin" + isbn),
                    Filters.eq("list_name_encoded", book.get("list_name_encoded"))), "primary_isbn13", "book_key");
        }
        for (Map<String, Object> user : decodedRecords("randomusers")) {
            Object uuid = ((Map<?, ?>) user.get("login")).get("uuid");
            assertSameDocument("randomusers", Filters.eq("uuid", uuid), Filters.eq("uuid", "twin-" + uuid), "uuid");
        }
        for (Map<String, Object> match : decodedRecords("matches")) {
            long id = ((Number) match.get("id")).longValue();
            assertSameDocument("matches", Filters.eq("match_id", id), Filters.eq("match_id", id + 1_000_000),
                    "match_id");
        }
        for (String stream : STREAMS) {
            assertThat(TopicReader.readAll(brokers(), TOPICS.get(stream) + ".dlq")).as(stream + " dead letters")
                    .isEmpty();
        }
    }

    @Test
    @Order(3)
    void everyRecordLandsInTheLakeAndRawAvroFilesCarryTheWriterSchema() throws Exception {
        for (String stream : STREAMS) {
            await(stream + " landed").atMost(Duration.ofSeconds(60)).until(() -> app.lakeLanded(TOPICS.get(stream)));
        }
        String bucket = app.connections().s3Bucket();
        Schema pinSchema = new Schema.Parser().parse(Path.of("src/main/avro/pins.avsc").toFile());
        int pinId = ConfluentWire.schemaId(TopicReader.readAllBytes(brokers(), "caravan.pins").get(0).value());

        // pins, raw zone, Avro: the Avro records in files typed by the writer's schema, the JSON twins as bytes
        Map<String, Map<String, Object>> rawAvroPins = new HashMap<>();
        int rawBytesRecords = 0;
        for (String key : app.objectKeys("raw/caravan.pins/")) {
            assertThat(key).endsWith(".avro");
            byte[] bytes = app.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            try (DataFileStream<GenericRecord> file = new DataFileStream<>(new ByteArrayInputStream(bytes),
                    new GenericDatumReader<>())) {
                Schema.Field value = file.getSchema().getField("value");
                if (value.schema().getType() == Schema.Type.RECORD) {
                    assertThat(value.schema()).as(key + " value schema").isEqualTo(pinSchema);
                    assertThat(file.getMetaString("caravan.schema.id")).isEqualTo(String.valueOf(pinId));
                    for (GenericRecord r : file) {
                        assertThat(r.get("schema_id")).isEqualTo(pinId);
                        Map<String, Object> pin = JsonAvro.toMap((GenericRecord) r.get("value"));
                        rawAvroPins.put((String) pin.get("unique_id"), pin);
                    }
                } else {
                    for (GenericRecord ignored : file) {
                        rawBytesRecords++;
                    }
                }
            }
        }
        assertThat(rawBytesRecords).as("JSON twins in the raw zone").isEqualTo(POSTS);
        assertThat(rawAvroPins).hasSize(POSTS);
        for (PinterestGenerator.Post post : posts) {
            assertThat(normal(rawAvroPins.get((String) post.pin().get("unique_id"))))
                    .isEqualTo(normal(post.pin()));
        }
        assertThat(LakeFiles.avro(app.s3(), bucket, "clean/caravan.pins/")).as("clean pins").hasSize(2 * POSTS);

        // geo, raw zone, NDJSON: an Avro record's line has its schema id and its value as JSON
        List<JsonNode> geoLines = LakeFiles.lines(app.s3(), bucket, "raw/caravan.geo/");
        assertThat(geoLines).hasSize(2 * POSTS);
        Map<Integer, JsonNode> avroGeo = new HashMap<>();
        geoLines.stream().filter(l -> l.has("schema_id")).forEach(l -> avroGeo.put(l.get("value").get("ind").asInt(), l));
        assertThat(avroGeo).hasSize(POSTS);
        for (PinterestGenerator.Post post : posts) {
            assertThat(normal(JSON.convertValue(avroGeo.get(post.ind()).get("value"), Map.class)))
                    .isEqualTo(normal(post.geo()));
        }
        assertThat(LakeFiles.lines(app.s3(), bucket, "clean/caravan.geo/")).hasSize(2 * POSTS);

        // the polled streams: every record in both zones
        for (String stream : List.of("bestsellers", "randomusers", "matches")) {
            int produced = TopicReader.readAll(brokers(), TOPICS.get(stream)).size();
            int raw = stream.equals("bestsellers") ? LakeFiles.avro(app.s3(), bucket, "raw/nyt.bestsellers/").size()
                    : LakeFiles.lines(app.s3(), bucket, "raw/" + TOPICS.get(stream) + "/").size();
            assertThat(raw).as(stream + " raw").isEqualTo(produced);
        }
    }

    @Test
    @Order(4)
    void aNewerSchemaVersionIsReadByConsumersOfBothVersions() throws Exception {
        SchemaRegistry registry = app.context().getRegistry().lookupByNameAndType("schemaRegistry",
                SchemaRegistry.class);
        Schema v1 = new Schema.Parser().parse(Path.of("src/main/avro/pins.avsc").toFile());
        // version 2 adds an optional field: BACKWARD compatible, so the registry takes it
        Schema v2 = new Schema.Parser().parse(v1.toString().replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"board\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        int id1 = registry.register("caravan.pins-value", v1);
        int id2 = registry.register("caravan.pins-value", v2);
        assertThat(id2).isNotEqualTo(id1);
        assertThat(JSON.readTree(app.get("/registry/subjects/caravan.pins-value/versions").body()))
                .extracting(JsonNode::asInt).containsExactly(1, 2);

        Map<String, Object> newer = new LinkedHashMap<>(posts.get(0).pin());
        newer.put("unique_id", "evolved-v2");
        newer.put("board", "travel");
        Map<String, Object> older = new LinkedHashMap<>(posts.get(1).pin());
        older.put("unique_id", "evolved-v1");
        byte[] v2Bytes = ConfluentWire.encode(id2, v2, JsonAvro.rejectingUnknownFields().toRecord(newer, v2));
        byte[] v1Bytes = ConfluentWire.encode(id1, v1, JsonAvro.rejectingUnknownFields().toRecord(older, v1));
        try (RecordProducer producer = new RecordProducer(brokers())) {
            producer.send("caravan.pins", "evolved-v2", v2Bytes).send("caravan.pins", "evolved-v1", v1Bytes).flush();
        }

        // Caravan reads with version 1: the v2 record arrives without the field v1 does not know
        await("both versions in MongoDB").atMost(Duration.ofSeconds(30)).until(() -> app.mongo().getCollection("pins")
                .countDocuments(Filters.in("unique_id", "evolved-v1", "evolved-v2")) == 2);
        Document fromV2 = app.mongo().getCollection("pins").find(Filters.eq("unique_id", "evolved-v2")).first();
        assertThat(fromV2).doesNotContainKey("board");
        assertThat(fromV2.get("title")).isEqualTo(posts.get(0).pin().get("title"));

        // a consumer on version 2 reads both: the v1 record with the default
        StreamFormats v2Reader = new StreamFormats(List.of(new StreamFormats.Stream("pins", "caravan.pins", true, v2)),
                registry);
        assertThat(v2Reader.decode("caravan.pins", v2Bytes).map()).containsEntry("board", "travel");
        assertThat(v2Reader.decode("caravan.pins", v1Bytes).map()).containsEntry("board", null)
                .containsEntry("unique_id", "evolved-v1");

        // the lake keeps the v2 record in a raw file of its own, typed by version 2
        await("v2 raw file").atMost(Duration.ofSeconds(30)).until(() -> rawPinSchemas().contains(v2));
    }

    @Test
    @Order(5)
    void aRecordThatDoesNotFitTheAvroSchemaIsRefusedWithTheFieldNamed() throws Exception {
        Map<String, Object> pin = new LinkedHashMap<>(posts.get(2).pin());
        pin.put("unique_id", "does-not-fit");
        pin.put("mood", "sunny");
        int before = TopicReader.readAll(brokers(), "caravan.pins").size();
        HttpResponse<String> r = app.post("/api/v1/streams/pins", "application/json", JSON.writeValueAsString(pin));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode error = JSON.readTree(r.body()).get("errors").get(0);
        assertThat(error.get("pointer").asText()).isEqualTo("/mood");
        assertThat(error.get("message").asText()).contains("not a field of dev.caravan.streams.Pin");
        assertThat(TopicReader.readAll(brokers(), "caravan.pins")).hasSize(before);
    }

    @Test
    @Order(6)
    void aRecordNamingAnUnknownSchemaIdIsDeadLetteredAndTheNextOneIsWritten() throws Exception {
        Schema v1 = new Schema.Parser().parse(Path.of("src/main/avro/users.avsc").toFile());
        int id = ConfluentWire.schemaId(TopicReader.readAllBytes(brokers(), "caravan.users").get(0).value());
        byte[] good = ConfluentWire.encode(id, v1, JsonAvro.rejectingUnknownFields().toRecord(
                withInd(posts.get(3).user(), 5_000_001), v1));
        byte[] unknown = good.clone();
        // same Avro data, an id nobody registered
        unknown[1] = 0x7f;
        unknown[2] = 0x11;
        unknown[3] = 0x22;
        unknown[4] = 0x33;
        try (RecordProducer producer = new RecordProducer(brokers())) {
            producer.send("caravan.users", "5000001", unknown).send("caravan.users", "5000001", good).flush();
        }
        await("dead letter").atMost(Duration.ofSeconds(30))
                .until(() -> TopicReader.readAllBytes(brokers(), "caravan.users.dlq").size() >= 1);
        ConsumerRecord<String, byte[]> dead = TopicReader.readAllBytes(brokers(), "caravan.users.dlq").get(0);
        assertThat(dead.value()).isEqualTo(unknown);
        assertThat(header(dead, "caravan.error.stage")).isEqualTo("parse");
        assertThat(header(dead, "caravan.error.message")).contains("schema id " + 0x7f112233)
                .contains("not known");
        await("the record after it").atMost(Duration.ofSeconds(30)).until(() -> app.mongo().getCollection("users")
                .countDocuments(Filters.eq("ind", 5_000_001)) == 1);
    }

    @Test
    @Order(7)
    void aPolledRecordThatDoesNotFitTheAvroSchemaIsSkippedAndTheOthersAreProduced() throws Exception {
        JsonNode page = JSON.readTree(fixture("football-PL-matches.json"));
        com.fasterxml.jackson.databind.node.ObjectNode odd = page.get("matches").get(0).deepCopy();
        odd.put("id", 990_001).put("matchday", "seven"); // the schema says int
        com.fasterxml.jackson.databind.node.ObjectNode fine = page.get("matches").get(1).deepCopy();
        fine.put("id", 990_002);
        com.fasterxml.jackson.databind.node.ArrayNode matches = (com.fasterxml.jackson.databind.node.ArrayNode) page.get("matches");
        matches.removeAll().add(odd).add(fine);
        api.on("/v4/competitions/PL/matches", r -> Answer.json(page.toString()));

        HttpResponse<String> r = app.post("/api/v1/pollers/football/run", "application/json", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode run = JSON.readTree(r.body());
        assertThat(run.get("produced").asInt()).as(r.body()).isEqualTo(1);
        assertThat(run.get("invalid").asInt()).as(r.body()).isEqualTo(1);
        assertThat(decodedRecords("matches")).extracting(m -> ((Number) m.get("id")).longValue())
                .contains(990_002L).doesNotContain(990_001L);
    }

    // --- helpers

    private static Map<String, Object> part(PinterestGenerator.Post post, String stream) {
        return switch (stream) {
            case "pins" -> post.pin();
            case "geo" -> post.geo();
            default -> post.user();
        };
    }

    private static Map<String, Object> withInd(Map<String, Object> record, int ind) {
        Map<String, Object> copy = new LinkedHashMap<>(record);
        copy.put("ind", ind);
        return copy;
    }

    /** The topic's Avro records as maps, read back with the schema the registry API gives for their id. */
    private static List<Map<String, Object>> decodedRecords(String stream) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAllBytes(brokers(), TOPICS.get(stream))) {
            if (r.value()[0] != 0) {
                continue; // a twin
            }
            int id = ConfluentWire.schemaId(r.value());
            Schema writer = new Schema.Parser().parse(JSON.readTree(app.get("/registry/schemas/ids/" + id).body())
                    .get("schema").asText());
            out.add(JsonAvro.toMap(ConfluentWire.decode(r.value(), i -> writer, writer)));
        }
        return out;
    }

    private static void twins(RecordProducer producer, String stream, Consumer<Map<String, Object>> rekey)
            throws Exception {
        for (Map<String, Object> record : decodedRecords(stream)) {
            Map<String, Object> twin = JSON.readValue(JSON.writeValueAsBytes(record), Map.class);
            rekey.accept(twin);
            producer.send(TOPICS.get(stream), "twin", JSON.writeValueAsString(twin));
        }
    }

    /** The documents of a record and of its twin are equal but for the key (numbers compared by value). */
    private static void assertSameDocument(String collection, org.bson.conversions.Bson avro,
            org.bson.conversions.Bson twin, String... keyFields) {
        await(collection + " " + avro).atMost(Duration.ofSeconds(30)).until(() ->
                app.mongo().getCollection(collection).countDocuments(avro) == 1
                        && app.mongo().getCollection(collection).countDocuments(twin) == 1);
        Map<String, Object> a = comparable(app.mongo().getCollection(collection).find(avro).first(), keyFields);
        Map<String, Object> b = comparable(app.mongo().getCollection(collection).find(twin).first(), keyFields);
        assertThat(a).as(collection + " from Avro vs from JSON").isEqualTo(b).isNotEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> comparable(Document doc, String... keyFields) {
        try {
            Map<String, Object> m = JSON.readValue(doc.toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
                    .build()), Map.class);
            m.remove("_id");
            m.remove("_source");
            for (String k : keyFields) {
                m.remove(k);
            }
            return normal(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nulls dropped and numbers as plain decimals, recursively: Avro's 5L and JSON's 5 are one value. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> normal(Map<String, ?> m) {
        Map<String, Object> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> {
            Object n = normalValue(v);
            if (n != null) {
                out.put(k, n);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object normalValue(Object v) {
        if (v instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        if (v instanceof Map<?, ?> map) {
            return normal((Map<String, ?>) map);
        }
        if (v instanceof List<?> list) {
            return list.stream().map(AvroStreamsIT::normalValue).toList();
        }
        return v;
    }

    private static Set<Schema> rawPinSchemas() {
        Set<Schema> schemas = new java.util.HashSet<>();
        for (String key : app.objectKeys("raw/caravan.pins/")) {
            byte[] bytes;
            try {
                bytes = app.s3().getObjectAsBytes(b -> b.bucket(app.connections().s3Bucket()).key(key)).asByteArray();
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException listedButGone) {
                // polled while the lake is still writing: a listed object may not be readable yet on the test S3 server
                continue;
            }
            try (DataFileStream<GenericRecord> file = new DataFileStream<>(new ByteArrayInputStream(bytes),
                    new GenericDatumReader<>())) {
                schemas.add(file.getSchema().getField("value").schema());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String brokers() {
        return app.connections().kafkaBrokers();
    }
}
