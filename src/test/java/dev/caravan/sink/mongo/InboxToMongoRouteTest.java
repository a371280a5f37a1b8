package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Route advice example (copy it for new routes): boots the real configuration and the real YAML file, swaps the Kafka
 * consumer for direct: and the MongoDB write and the offset commit for mocks, addressing them by id.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/sink/inbox-to-mongo.camel.yaml",
            // external addresses that are never contacted: nothing embedded starts, every client is lazy
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
        advices = @AdviceRouteMapping(route = "inbox-to-mongo", advice = InboxToMongoRouteTest.Advice.class))
class InboxToMongoRouteTest {

    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:records");
            weaveById("save-inbox-document").replace().to("mock:mongo");
            weaveById("commit-inbox-mongo").replace().to("mock:committed");
        }
    }

    @EndpointInject("mock:mongo")
    MockEndpoint mongo;

    @EndpointInject("mock:committed")
    MockEndpoint committed;

    @Produce
    ProducerTemplate producer;

    @Test
    void eachRecordBecomesOneDocumentKeyedByTheRecordKeyAndIsCommittedAfterTheWrite() throws Exception {
        mongo.expectedMessageCount(1);
        committed.expectedMessageCount(1);

        producer.sendBodyAndHeaders("direct:records", "{\"title\":\"Tiny home\",\"follower_count\":\"1.5M\"}",
                kafkaHeaders("k-1", 2, 17L));

        mongo.assertIsSatisfied();
        committed.assertIsSatisfied();
        Document doc = mongo.getExchanges().get(0).getMessage().getBody(Document.class);
        assertThat(doc.getString("_id")).isEqualTo("k-1");
        assertThat(doc.getString("title")).isEqualTo("Tiny home");
        assertThat(doc.get("_source", Document.class).getLong("offset")).isEqualTo(17L);
    }

    @Test
    void aRecordThatIsNotAJsonObjectIsNeitherWrittenNorCommitted() throws Exception {
        mongo.expectedMessageCount(0);
        committed.expectedMessageCount(0);

        Exchange result = producer.request("direct:records", e -> {
            e.getMessage().setBody("not json");
            e.getMessage().setHeaders(kafkaHeaders("k-2", 0, 3L));
        });

        assertThat(result.getException()).hasMessageContaining("caravan.inbox/0@3");
        mongo.assertIsSatisfied();
        committed.assertIsSatisfied();
    }

    private static Map<String, Object> kafkaHeaders(String key, int partition, long offset) {
        return Map.of(KafkaConstants.KEY, key, KafkaConstants.TOPIC, "caravan.inbox",
                KafkaConstants.PARTITION, partition, KafkaConstants.OFFSET, offset);
    }
}
