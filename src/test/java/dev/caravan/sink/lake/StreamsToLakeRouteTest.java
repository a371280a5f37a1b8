package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.config.CaravanConfiguration;
import dev.caravan.sink.SinkProgress;
import dev.caravan.testing.OfflineRoutes;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/**
 * The lake sink route, advised by id: its batch is handed to the lake writer whole; an S3 outage while appending is
 * waited out and the same batch is handed over again (never failed, never half-dropped), with the reason kept for the
 * console; bad data is not the route's to handle (the writer keeps it in the raw zone).
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/sink/streams-to-lake.camel.yaml,"
                    + "file:routes/config/lake-sink-errors.camel.yaml",
            // outages are retried after 10 ms here (the wait itself is SinkOutageTest's)
            "caravan.sink.retry-initial-ms=10",
            "caravan.sink.retry-max-ms=10",
            "camel.server.enabled=false"
        },
        advices = @AdviceRouteMapping(route = "streams-to-lake", advice = StreamsToLakeRouteTest.Advice.class))
class StreamsToLakeRouteTest {

    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:lake-batch");
            weaveById("append-to-lake-units").replace().to("mock:lake-writer");
        }
    }

    @EndpointInject("mock:lake-writer")
    MockEndpoint lakeWriter;
    @Produce
    ProducerTemplate producer;

    @Test
    void anS3OutageIsWaitedOutAndTheSameBatchHandedOverAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        lakeWriter.whenAnyExchangeReceived(e -> {
            if (calls.incrementAndGet() <= 2) {
                throw new LakeUnavailableException("S3 did not answer: connection refused", null);
            }
        });
        List<String> batch = List.of("r1", "r2", "r3");

        Exchange done = producer.send("direct:lake-batch", e -> e.getMessage().setBody(batch));

        assertThat(done.getException()).as("an outage never fails the batch").isNull();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(lakeWriter.getExchanges()).allSatisfy(e ->
                assertThat(e.getMessage().getBody(List.class)).isEqualTo(batch));
        SinkProgress progress = producer.getCamelContext().getRegistry()
                .lookupByNameAndType("sinkProgress", SinkProgress.class);
        assertThat(String.valueOf(progress.last("streams-to-lake"))).as("the reason, for the console")
                .contains("S3 did not answer");
    }

    @Test
    void aFailureThatIsNotAnOutageIsNotRetriedForever() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        lakeWriter.whenAnyExchangeReceived(e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a bug");
        });

        Exchange done = producer.send("direct:lake-batch", e -> e.getMessage().setBody(List.of("r1")));

        assertThat(done.getException()).hasMessage("a bug");
        assertThat(calls.get()).isEqualTo(1);
    }
}
