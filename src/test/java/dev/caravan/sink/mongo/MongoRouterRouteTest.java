package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.caravan.config.CaravanConfiguration;
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
 * The content-based router and the cleaning routes, advised by route id: the router's exits are mocked to see where a
 * record goes; the cleaning routes run for real and hand back the pending write.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/sink/mongo-router.camel.yaml,"
                    + "file:routes/sink/clean-record.camel.yaml,file:routes/config/sink-records.camel.yaml",
            "caravan.embedded=false",
            "caravan.kafka.brokers=127.0.0.1:1",
            "caravan.mongodb.uri=mongodb://127.0.0.1:1",
            "caravan.s3.endpoint=http://127.0.0.1:1",
            // no broker here: start-up's topic check gives up fast; static keys skip the AWS credentials chain
            "caravan.ingest.timeout-ms=500",
            "caravan.s3.access-key=test",
            "caravan.s3.secret-key=test",
            "camel.server.enabled=false",
            "camel.management.enabled=false"
        },
        advices = @AdviceRouteMapping(route = "mongo-router", advice = MongoRouterRouteTest.RouterAdvice.class))
class MongoRouterRouteTest {

    public static final class RouterAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("to-clean-geo").before().to("mock:geo");
        }
    }

    @EndpointInject("mock:geo")
    MockEndpoint geoExit;

    @Produce
    ProducerTemplate producer;

    @Test
    void theRouterSendsEachTopicToItsCleaningRoute() throws Exception {
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
    void aTopicNoCollectionTakesFailsAtTheRouteStage() {
        Exchange result = send("direct:mongo-router", "caravan.elsewhere", "{}");

        assertThat(result.getException()).hasMessageContaining("no collection takes records of topic caravan.elsewhere");
        assertThat(result.getProperty(SinkFailure.STAGE)).isEqualTo("route");
    }

    @Test
    void theCleaningRouteOfPinsParsesChecksCleansAndKeysByUniqueId() {
        Exchange result = send("direct:clean-pins", "caravan.pins", "{\"index\":3,\"unique_id\":\"u-3\","
                + "\"follower_count\":\"12k\",\"title\":\"No Title Data Available\"}");

        PendingWrite write = (PendingWrite) result.getMessage().getBody(List.class).get(0);
        assertThat(write.filter()).isEqualTo(new Document("unique_id", "u-3"));
        assertThat(write.document().get("follower_count")).isEqualTo(12_000L);
        assertThat(write.document().get("title")).isNull();
    }

    @Test
    void eachFailureIsTaggedWithItsStage() {
        assertThat(send("direct:clean-users", "caravan.users", "[1,2]").getProperty(SinkFailure.STAGE)).isEqualTo("parse");
        assertThat(send("direct:clean-users", "caravan.users", "{\"a.b\":1}").getProperty(SinkFailure.STAGE))
                .isEqualTo("validate");
        assertThat(send("direct:clean-users", "caravan.users", "{\"ind\":\"x\"}").getProperty(SinkFailure.STAGE))
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
