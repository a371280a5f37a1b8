package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.caravan.emulate.PinterestGenerator;
import dev.caravan.schema.ConfluentWire;
import dev.caravan.schema.JsonAvro;
import dev.caravan.testing.FakeSchemaRegistry;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a schema registry URL set, Caravan uses that registry and no other: it registers the Avro stream's schema there
 * (basic auth), writes the registry's id on the wire, resolves an id another producer registered later, serves the
 * registry's schemas through its own read API, and treats a registry that does not answer as an outage: the record
 * waits, is not dead-lettered, and is written once the registry is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "caravan-app";
    // made up per run: the test checks it never shows in a message
    private static final String PASSWORD = "test-" + java.util.UUID.randomUUID();

    @TempDir
    static Path data;
    static FakeSchemaRegistry registry;
    static RunningCaravan app;
    static final PinterestGenerator posts = new PinterestGenerator(21);

    @BeforeAll
    static void start() throws Exception {
        registry = new FakeSchemaRegistry(USER, PASSWORD);
        app = RunningCaravan.start(data, Map.of(
                "caravan.flows.pins.format", "avro",
                "caravan.schema.registry.url", registry.url() + FakeSchemaRegistry.PREFIX,
                "caravan.schema.registry.user", USER,
                "caravan.schema.registry.password", PASSWORD,
                "caravan.schema.registry.timeout-ms", "2000",
                "caravan.mongo.batch-interval-ms", "200"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        registry.close();
    }

    @Test
    @Order(1)
    void theStreamsSchemaIsRegisteredThereAndItsIdTravels() throws Exception {
        assertThat(registry.count("POST " + FakeSchemaRegistry.PREFIX + "/subjects/caravan.pins-value/versions"))
                .as("registered once, at start-up").isEqualTo(1);
        Map<String, Object> pin = posts.next().pin();
        HttpResponse<String> r = app.post("/api/v1/streams/pins", "application/json", JSON.writeValueAsString(pin));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAllBytes(brokers(), "caravan.pins");
        assertThat(records).hasSize(1);
        // the fake registry numbers schemas 1, 2, 3...: a fingerprint id would be a large number
        assertThat(ConfluentWire.schemaId(records.get(0).value())).isEqualTo(1);
        await("the pin in MongoDB").atMost(Duration.ofSeconds(30)).until(() -> app.mongo().getCollection("pins")
                .countDocuments(Filters.eq("unique_id", pin.get("unique_id"))) == 1);

        HttpResponse<String> schema = app.get("/registry/schemas/ids/1");
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(new Schema.Parser().parse(JSON.readTree(schema.body()).get("schema").asText()).getFullName())
                .isEqualTo("dev.caravan.streams.Pin");
        assertThat(JSON.readTree(app.get("/registry/subjects").body())).extracting(JsonNode::asText)
                .containsExactly("caravan.pins-value");
        assertThat(app.get("/registry/schemas/ids/77").statusCode()).isEqualTo(404);
        // the rule is the remote registry's, not Caravan's local default
        registry.globalLevel = "FULL_TRANSITIVE";
        assertThat(JSON.readTree(app.get("/registry/config").body()).get("compatibilityLevel").asText())
                .isEqualTo("FULL_TRANSITIVE");
    }

    @Test
    @Order(2)
    void anIdAnotherProducerRegisteredIsResolvedOnRead() throws Exception {
        Schema v2 = pinsV2();
        int id = registry.register("caravan.pins-value", v2);
        assertThat(id).isEqualTo(2);
        produce(id, v2, "from-another-producer");
        await("decoded with the id fetched from the registry").atMost(Duration.ofSeconds(30))
                .until(() -> app.mongo().getCollection("pins")
                        .countDocuments(Filters.eq("unique_id", "from-another-producer")) == 1);
        // fetched once per sink at most (both may miss at the same moment), then served from the cache
        String lookup = "GET " + FakeSchemaRegistry.PREFIX + "/schemas/ids/2";
        int lookups = registry.count(lookup);
        assertThat(lookups).isBetween(1, 2);
        produce(id, v2, "cached-id");
        await("the second record").atMost(Duration.ofSeconds(30)).until(() -> app.mongo().getCollection("pins")
                .countDocuments(Filters.eq("unique_id", "cached-id")) == 1);
        assertThat(registry.count(lookup)).isEqualTo(lookups);
    }

    @Test
    @Order(3)
    void aRegistryThatDoesNotAnswerHoldsTheRecordWithoutDeadLetteringIt() throws Exception {
        Schema v3 = new Schema.Parser().parse(pinsV2().toString().replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"section\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        int id = registry.register("caravan.pins-value", v3);
        registry.unavailable = true;
        try {
            produce(id, v3, "while-registry-down");
            await("the sink asked the registry").atMost(Duration.ofSeconds(30))
                    .until(() -> registry.count("GET " + FakeSchemaRegistry.PREFIX + "/schemas/ids/" + id) >= 2);
            assertThat(app.mongo().getCollection("pins").countDocuments(Filters.eq("unique_id", "while-registry-down")))
                    .isZero();
            assertThat(TopicReader.readAll(brokers(), "caravan.pins.dlq")).isEmpty();
        } finally {
            registry.unavailable = false;
        }
        await("written once the registry answers").atMost(Duration.ofSeconds(60)).until(() -> app.mongo()
                .getCollection("pins").countDocuments(Filters.eq("unique_id", "while-registry-down")) == 1);
        assertThat(TopicReader.readAll(brokers(), "caravan.pins.dlq")).isEmpty();
    }

    private static Schema pinsV2() throws Exception {
        String v1 = new Schema.Parser().parse(Path.of("src/main/avro/pins.avsc").toFile()).toString();
        return new Schema.Parser().parse(v1.replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"board\",\"type\":[\"null\",\"string\"],\"default\":null},"));
    }

    private static void produce(int id, Schema schema, String uniqueId) throws Exception {
        Map<String, Object> pin = new LinkedHashMap<>(posts.next().pin());
        pin.put("unique_id", uniqueId);
        byte[] bytes = ConfluentWire.encode(id, schema, JsonAvro.ignoringUnknownFields().toRecord(pin, schema));
        try (RecordProducer producer = new RecordProducer(brokers())) {
            producer.send("caravan.pins", uniqueId, bytes).flush();
        }
    }

    private static String brokers() {
        return app.connections().kafkaBrokers();
    }
}
