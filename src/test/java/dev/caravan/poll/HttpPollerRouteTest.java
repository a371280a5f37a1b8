package dev.caravan.poll;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.caravan.config.CaravanConfiguration;
import dev.caravan.testing.FixtureApi;
import dev.caravan.testing.FixtureApi.Answer;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The http-poller template, as the randomuser flow instantiates it, advised by id: Kafka is a mock, the API a local
 * fixture in randomuser.me's shape, MongoDB (the poller's state) the embedded one. A run maps, keys and produces every
 * record with its credentials dropped; a second run of the same answers produces nothing (unchanged records are
 * skipped by their remembered hash). A tick of the poller's clock runs it when its schedule says it is due. A failing
 * API is retried as the poller's own retry parameter says, not as the global settings do.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,"
                    + "file:routes/flows/randomusers.camel.yaml,file:routes/config/*.camel.yaml",
            "caravan.embedded.kafka.port=0",
            "caravan.embedded.mongo.port=0",
            "caravan.embedded.s3.port=0",
            "caravan.poll.enabled=true",
            "camel.server.enabled=false",
            "camel.management.enabled=false"
        },
        advices = @AdviceRouteMapping(route = "poller-randomuser", advice = HttpPollerRouteTest.Advice.class))
class HttpPollerRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static FixtureApi api;
    static Path data;

    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            // the poller's clock (a master: timer) ticks when the test says
            replaceFromWith("direct:tick-randomuser");
            weaveByToUri("kafka:*").replace().to("mock:kafka");
        }
    }

    @EndpointInject("mock:kafka")
    MockEndpoint kafka;
    @Produce
    ProducerTemplate producer;

    @BeforeAll
    static void api() throws Exception {
        api = new FixtureApi();
        api.on("/api/", r -> Answer.json(fixture("randomuser-page1.json")));
        data = Files.createTempDirectory("poller-route-test");
        // read by the properties component before the context starts: the fixture's address and a data dir of its own
        System.setProperty("caravan.randomuser.base-url", api.baseUrl());
        System.setProperty("caravan.data-dir", data.toString());
        // the flow's retry parameter, short enough for a test
        System.setProperty("caravan.randomuser.retry", "2 x 10ms..10ms");
    }

    @AfterAll
    static void close() throws Exception {
        System.clearProperty("caravan.randomuser.base-url");
        System.clearProperty("caravan.data-dir");
        System.clearProperty("caravan.randomuser.retry");
        api.close();
    }

    /** Each test starts from a poller that never ran: no state, no remembered records (one data directory for all). */
    @BeforeEach
    void neverRan() {
        MongoDatabase db = producer.getCamelContext().getRegistry()
                .lookupByNameAndType("mongoClient", MongoClient.class).getDatabase("caravan");
        db.getCollection("poller_state").deleteMany(Filters.eq("_id", "randomuser"));
        db.getCollection("poller_records").deleteMany(Filters.regex("_id", "^randomuser\\|"));
        api.clear();
    }

    @Test
    void aRunProducesEachRecordKeyedAndWithoutCredentials_aRepeatProducesNothing() throws Exception {
        Pollers pollers = producer.getCamelContext().getRegistry().lookupByNameAndType("pollers", Pollers.class);

        PollRun.Summary first = pollers.runNow("randomuser");

        assertThat(first.status()).isEqualTo("OK");
        assertThat(first.produced()).isEqualTo(3);
        List<Exchange> records = kafka.getExchanges();
        assertThat(records).hasSize(3);
        for (Exchange e : records) {
            JsonNode user = JSON.readTree(e.getMessage().getBody(byte[].class));
            assertThat(e.getMessage().getHeader("kafka.KEY", String.class))
                    .isEqualTo(user.at("/login/uuid").asText()).isNotBlank();
            assertThat(user.get("login").has("password")).as("credentials dropped by the mapper").isFalse();
            assertThat(user.get("login").has("sha256")).isFalse();
        }

        PollRun.Summary again = pollers.runNow("randomuser");

        assertThat(again.produced()).isZero();
        assertThat(again.unchanged()).isEqualTo(3);
        assertThat(kafka.getExchanges()).as("nothing more reached Kafka").hasSize(3);
    }

    @Test
    void aFailingApiIsRetriedAsThePollerDeclares() {
        api.on("/api/", r -> Answer.status(503, java.util.Map.of()));
        try {
            Pollers pollers = producer.getCamelContext().getRegistry().lookupByNameAndType("pollers", Pollers.class);

            PollRun.Summary run = pollers.runNow("randomuser");

            assertThat(run.status()).isEqualTo("FAILED");
            assertThat(run.requests()).as("retry: 2 x 10ms..10ms, where the settings say 5 attempts").isEqualTo(2);
            assertThat(api.requests("/api/")).hasSize(2);
            assertThat(run.error()).contains("HTTP 503").contains("after 2 attempts");
            assertThat(pollers.list()).filteredOn(p -> "randomuser".equals(p.get("name")))
                    .extracting(p -> p.get("retry")).containsExactly("2 x 10ms..10ms");
        } finally {
            api.on("/api/", r -> Answer.json(fixture("randomuser-page1.json")));
        }
    }

    @Test
    void aTickRunsThePollerWhenItIsDue_theNextTickWithinItsPeriodDoesNot() {
        MongoCollection<Document> state = producer.getCamelContext().getRegistry()
                .lookupByNameAndType("mongoClient", MongoClient.class).getDatabase("caravan").getCollection("poller_state");

        producer.sendBody("direct:tick-randomuser", null);

        assertThat(api.requests("/api/")).as("never ran: due at once").hasSize(1);
        Document ran = state.find(Filters.eq("_id", "randomuser")).first();
        assertThat(ran.getString("lastStatus")).isEqualTo("OK");

        producer.sendBody("direct:tick-randomuser", null);

        assertThat(api.requests("/api/")).as("its schedule is 60s: not due again yet").hasSize(1);
        assertThat(state.find(Filters.eq("_id", "randomuser")).first().getDate("lastRunAt"))
                .isEqualTo(ran.getDate("lastRunAt"));
    }
}
