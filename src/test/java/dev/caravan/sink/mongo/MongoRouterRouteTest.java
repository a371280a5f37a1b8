package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.caravan.config.CaravanConfiguration;
import dev.caravan.testing.OfflineRoutes;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The router and the flows' routes (the shipped flow files on the flow template), advised by route id: the entry of
 * the geo flow is watched to see where a record goes; the flows run for real and hand back the pending writes.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,file:routes/flows/*.camel.yaml,"
                    + "file:routes/sink/mongo-router.camel.yaml,file:routes/config/*.camel.yaml",
            // the flow files' doors need an HTTP server
            "camel.server.enabled=true"
        },
        advices = @AdviceRouteMapping(route = "flow-geo", advice = MongoRouterRouteTest.GeoFlowAdvice.class))
class MongoRouterRouteTest {

    public static final class GeoFlowAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveAddFirst().to("mock:geo");
        }
    }

    @EndpointInject("mock:geo")
    MockEndpoint geoExit;

    @Produce
    ProducerTemplate producer;

    @Test
    void theRouterSendsEachTopicToItsFlow() throws Exception {
        geoExit.expectedMessageCount(1);

        Exchange result = send("direct:mongo-router", "caravan.geo",
                "{\"ind\":5,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1,\"longitude\":2,\"country\":\"Chad\"}");

        geoExit.assertIsSatisfied();
        // a post's part: its own write, and its part of the joined post
        List<?> writes = result.getMessage().getBody(List.class);
        PendingWrite write = (PendingWrite) writes.get(0);
        PendingWrite part = (PendingWrite) writes.get(1);
        assertThat(part.collection().name()).isEqualTo("posts");
        assertThat(part.filter()).isEqualTo(new Document("ind", 5L));
        assertThat(part.document().get("geo", Document.class).getString("country")).isEqualTo("Chad");
        assertThat(write.collection().name()).isEqualTo("geo");
        assertThat(write.filter()).containsOnlyKeys("ind", "timestamp");
        assertThat(write.source().offset()).isEqualTo(12L);
    }

    @Test
    void aTopicNoFlowReadsFailsAtTheRouteStage() {
        Exchange result = send("direct:mongo-router", "caravan.elsewhere", "{}");

        assertThat(result.getException()).hasMessageContaining("no flow reads topic caravan.elsewhere");
        assertThat(result.getProperty(SinkFailure.STAGE)).isEqualTo("route");
    }

    @Test
    void theFlowOfPinsParsesChecksCleansAndKeysByUniqueId() {
        Exchange result = send("direct:mongo-router", "caravan.pins", "{\"index\":3,\"unique_id\":\"u-3\","
                + "\"follower_count\":\"12k\",\"title\":\"No Title Data Available\"}");

        PendingWrite write = (PendingWrite) result.getMessage().getBody(List.class).get(0);
        assertThat(write.filter()).isEqualTo(new Document("unique_id", "u-3"));
        assertThat(write.document().get("follower_count")).isEqualTo(12_000L);
        assertThat(write.document().get("title")).isNull();
    }

    @Test
    void eachFailureIsTaggedWithItsStage() {
        assertThat(send("direct:mongo-router", "caravan.users", "[1,2]").getProperty(SinkFailure.STAGE)).isEqualTo("parse");
        assertThat(send("direct:mongo-router", "caravan.users", "{\"a.b\":1}").getProperty(SinkFailure.STAGE))
                .isEqualTo("validate");
        assertThat(send("direct:mongo-router", "caravan.users", "{\"ind\":\"x\"}").getProperty(SinkFailure.STAGE))
                .isEqualTo("clean");
    }

    private Exchange send(String uri, String topic, String value) {
        return producer.request(uri, e -> {
            e.getMessage().setHeaders(Map.of(KafkaConstants.TOPIC, topic, KafkaConstants.PARTITION, 0,
                    KafkaConstants.OFFSET, 12L, KafkaConstants.KEY, "k"));
            e.getMessage().setBody(value.getBytes(StandardCharsets.UTF_8));
            e.setProperty(MongoWrites.ORIGINAL_VALUE, value.getBytes(StandardCharsets.UTF_8));
        });
    }
}
