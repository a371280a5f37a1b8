package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.caravan.config.CaravanConfiguration;
import dev.caravan.flow.Flows;
import dev.caravan.sink.CurrentHandOuts;
import dev.caravan.testing.OfflineRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The flows' routes (the shipped flow files on the flow template) take their flow's share of a polled batch through
 * parse, validate, clean and write; the geo flow's route is advised by id to see that a share enters it once, whatever
 * its size. The flows run for real; what each record became is read from the share.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,file:routes/flows/*.camel.yaml,"
                    + "file:routes/config/*.camel.yaml",
            // the flow files' doors need an HTTP server
            "camel.server.enabled=true"
        },
        advices = @AdviceRouteMapping(route = "flow-geo", advice = FlowRouteTest.GeoFlowAdvice.class))
class FlowRouteTest {

    public static final class GeoFlowAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveAddFirst().to("mock:geo");
        }
    }

    @EndpointInject("mock:geo")
    MockEndpoint geoEntry;

    @Produce
    ProducerTemplate producer;

    @Test
    void aGeoShareBecomesEachRecordsWriteAndItsPartOfThePost() throws Exception {
        geoEntry.expectedMessageCount(1);

        FlowBatch share = run("caravan.geo",
                "{\"ind\":5,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1,\"longitude\":2,\"country\":\"Chad\"}",
                "{\"ind\":6,\"timestamp\":\"2020-08-28 03:52:48\",\"latitude\":1,\"longitude\":2,\"country\":\"Peru\"}");

        geoEntry.assertIsSatisfied();
        List<PendingWrite> writes = writesOf(share.records().get(0));
        PendingWrite write = writes.get(0);
        PendingWrite part = writes.get(1);
        assertThat(part.collection().name()).isEqualTo("posts");
        assertThat(part.filter()).isEqualTo(new Document("ind", 5L));
        assertThat(part.document().get("geo", Document.class).getString("country")).isEqualTo("Chad");
        assertThat(write.collection().name()).isEqualTo("geo");
        assertThat(write.filter()).containsOnlyKeys("ind", "timestamp");
        assertThat(write.source().offset()).isEqualTo(10L);
        assertThat(writesOf(share.records().get(1)).get(1).filter()).isEqualTo(new Document("ind", 6L));
    }

    @Test
    void thePinsRouteParsesChecksCleansAndKeysByUniqueId() {
        FlowBatch share = run("caravan.pins", "{\"index\":3,\"unique_id\":\"u-3\","
                + "\"follower_count\":\"12k\",\"title\":\"No Title Data Available\"}");

        PendingWrite write = writesOf(share.records().get(0)).get(0);
        assertThat(write.filter()).isEqualTo(new Document("unique_id", "u-3"));
        assertThat(write.document().get("follower_count")).isEqualTo(12_000L);
        assertThat(write.document().get("title")).isNull();
    }

    @Test
    void aRecordThatFailsAStageIsTaggedWithItAndTheRestOfTheShareGoesOn() {
        FlowBatch share = run("caravan.users", "[1,2]", "{\"a.b\":1}", "{\"ind\":\"x\"}",
                "{\"ind\":7,\"first_name\":\"A\",\"last_name\":\"B\",\"age\":30,\"date_joined\":\"2016-01-01 00:00:00\"}",
                "{\"ind\":8,\"_id\":\"theirs\"}");

        assertThat(share.records()).extracting(r -> r.failure() == null ? "stored" : r.failure().stage())
                .containsExactly("parse", "validate", "clean", "stored", "validate");
        assertThat(share.records().get(2).failure().source().offset()).isEqualTo(12L);
        assertThat(writesOf(share.records().get(3))).extracting(w -> w.collection().name())
                .containsExactly("users", "posts");
    }

    /** The records, offsets from 10 on, grouped as the sink groups a batch, and the one share sent to its route. */
    private FlowBatch run(String topic, String... values) {
        CamelContext context = producer.getCamelContext();
        List<Exchange> polled = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setHeaders(Map.of(KafkaConstants.TOPIC, topic, KafkaConstants.PARTITION, 0,
                    KafkaConstants.OFFSET, 10L + i, KafkaConstants.KEY, "k" + i));
            e.getMessage().setBody(values[i].getBytes(StandardCharsets.UTF_8));
            polled.add(e);
        }
        Exchange batch = new DefaultExchange(context);
        batch.setProperty(CurrentHandOuts.RECORDS, polled);
        try {
            SinkStages.byFlow(context.getRegistry().lookupByNameAndType("flows", Flows.class)).process(batch);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        FlowBatch share = batch.getMessage().getBody(SinkBatch.class).shares().get(0);
        Exchange result = producer.request("direct:flow-" + share.getFlowName(), e -> e.getMessage().setBody(share));
        assertThat(result.getException()).as("a record's failure never fails its flow's route").isNull();
        return share;
    }

    @SuppressWarnings("unchecked")
    private static List<PendingWrite> writesOf(SinkRecord r) {
        assertThat(r.failure()).isNull();
        assertThat(r.passed()).isEqualTo("write");
        return (List<PendingWrite>) r.value();
    }
}
