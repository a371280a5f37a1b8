package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.caravan.config.CaravanConfiguration;
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
 * The MongoDB sink route, advised by id: a Kafka batch of the shipped flows' records goes in as the consumer hands it
 * over; the bulk write, the dead-letter publication and the commit are mocked to see what each is given, and in
 * which order. Records that cannot be stored become dead letters with their stage; the batch is never failed by them.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,file:routes/flows/*.camel.yaml,"
                    + "file:routes/sink/streams-to-mongo.camel.yaml,file:routes/config/*.camel.yaml",
            // the flow files' doors need an HTTP server
            "camel.server.enabled=true"
        },
        advices = @AdviceRouteMapping(route = "streams-to-mongo", advice = StreamsToMongoRouteTest.Advice.class))
class StreamsToMongoRouteTest {

    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:mongo-batch");
            weaveById("write-mongo-batch").replace().to("mock:bulk-write");
            weaveById("publish-mongo-dead-letters").replace().to("mock:dead-letters");
            weaveById("commit-mongo-batch").replace().to("mock:commit");
        }
    }

    @EndpointInject("mock:bulk-write")
    MockEndpoint bulkWrite;
    @EndpointInject("mock:dead-letters")
    MockEndpoint deadLetters;
    @EndpointInject("mock:commit")
    MockEndpoint commit;
    @Produce
    ProducerTemplate producer;

    @Test
    void aBatchIsCleanedIntoWritesItsPoisonIntoDeadLetters_thenWrittenPublishedAndCommittedInThatOrder()
            throws Exception {
        CamelContext context = producer.getCamelContext();
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        bulkWrite.whenAnyExchangeReceived(e -> order.add("write"));
        deadLetters.whenAnyExchangeReceived(e -> order.add("dead letters"));
        commit.whenAnyExchangeReceived(e -> order.add("commit"));
        bulkWrite.expectedMessageCount(1);
        deadLetters.expectedMessageCount(1);
        commit.expectedMessageCount(1);
        List<Exchange> batch = new ArrayList<>();
        batch.add(record(context, "caravan.pins", 0, "{\"index\":3,\"unique_id\":\"u-3\",\"follower_count\":\"12k\"}"));
        batch.add(record(context, "caravan.pins", 1, "{\"index\":4,\"unique_id\":\"u-4\",\"$where\":\"1\"}"));
        batch.add(record(context, "caravan.geo", 2, "not json"));
        batch.add(record(context, "caravan.users", 3, "{\"ind\":\"five\",\"age\":1,\"date_joined\":\"2020-01-01\"}"));
        batch.add(record(context, "nobody.reads", 4, "{}"));

        producer.sendBody("direct:mongo-batch", batch);

        MockEndpoint.assertIsSatisfied(bulkWrite, deadLetters, commit);
        SinkBatch written = bulkWrite.getExchanges().get(0).getMessage().getBody(SinkBatch.class);
        assertThat(written.writes()).extracting(w -> w.collection().name()).containsExactly("pins", "posts");
        assertThat(written.writes().get(0).filter()).isEqualTo(new Document("unique_id", "u-3"));
        assertThat(written.writes().get(0).document().get("follower_count")).isEqualTo(12_000L);
        assertThat(written.deadLetters()).extracting(DeadLetter::stage)
                .containsExactly("validate", "parse", "clean", "route");
        assertThat(written.deadLetters()).extracting(d -> d.source().offset()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(commit.getExchanges().get(0).getProperty("records", List.class)).as("the whole batch is committed")
                .hasSize(5);
        assertThat(order).containsExactly("write", "dead letters", "commit");
    }

    @Test
    void recordsHandedOutBeforeTheirPartitionsLatestAssignmentAreNeitherWrittenNorCommitted() throws Exception {
        CamelContext context = producer.getCamelContext();
        MockEndpoint.resetMocks(context);
        bulkWrite.expectedMessageCount(1);
        commit.expectedMessageCount(1);
        Exchange earlier = record(context, "caravan.pins", 7, "{\"index\":7,\"unique_id\":\"u-7\"}");
        earlier.setProperty(dev.caravan.sink.HandOut.EARLIER, true);

        // a batch of nothing but such records ends before the write: all of it is handed out again
        producer.sendBody("direct:mongo-batch", new ArrayList<>(List.of(earlier)));
        producer.sendBody("direct:mongo-batch", new ArrayList<>(List.of(earlier,
                record(context, "caravan.pins", 8, "{\"index\":8,\"unique_id\":\"u-8\"}"))));

        MockEndpoint.assertIsSatisfied(bulkWrite, commit);
        SinkBatch written = bulkWrite.getExchanges().get(0).getMessage().getBody(SinkBatch.class);
        assertThat(written.writes()).as("pin 8 into pins and into its post; nothing of pin 7")
                .extracting(w -> w.filter()).containsExactly(new Document("unique_id", "u-8"), new Document("ind", 8L));
        assertThat(commit.getExchanges().get(0).getProperty("records", List.class)).as("committed: offset 8 only")
                .hasSize(1);
    }

    private static Exchange record(CamelContext context, String topic, long offset, String value) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeaders(Map.of(KafkaConstants.TOPIC, topic, KafkaConstants.PARTITION, 0,
                KafkaConstants.OFFSET, offset, KafkaConstants.KEY, "k" + offset));
        e.getMessage().setBody(value.getBytes(StandardCharsets.UTF_8));
        return e;
    }
}
