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
 * The lake sink route, advised by id: a batch is buffered once, its cut units landed, then committed; an S3 outage
 * while landing is waited out and the landing tried again (the batch is never failed, never buffered twice, and
 * nothing is committed before it lands), with the reason kept for the console; a failure that is not an outage is
 * not retried forever and commits nothing.
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
            weaveById("buffer-lake-records").replace().to("mock:buffer");
            weaveById("land-lake-units").replace().to("mock:land");
            weaveById("commit-lake-units").replace().to("mock:commit");
        }
    }

    @EndpointInject("mock:buffer")
    MockEndpoint buffer;
    @EndpointInject("mock:land")
    MockEndpoint land;
    @EndpointInject("mock:commit")
    MockEndpoint commit;
    @Produce
    ProducerTemplate producer;

    @Test
    void anS3OutageWhileLandingIsWaitedOutAndOnlyTheLandingTriedAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        land.whenAnyExchangeReceived(e -> {
            if (calls.incrementAndGet() <= 2) {
                throw new LakeUnavailableException("S3 did not answer: connection refused", null);
            }
        });
        List<String> batch = List.of("r1", "r2", "r3");

        Exchange done = producer.send("direct:lake-batch", e -> e.getMessage().setBody(batch));

        assertThat(done.getException()).as("an outage never fails the batch").isNull();
        assertThat(buffer.getReceivedCounter()).as("buffered once").isEqualTo(1);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(commit.getReceivedCounter()).isEqualTo(1);
        assertThat(commit.getExchanges().get(0).getMessage().getBody(List.class)).isEqualTo(batch);
        SinkProgress progress = producer.getCamelContext().getRegistry()
                .lookupByNameAndType("sinkProgress", SinkProgress.class);
        assertThat(String.valueOf(progress.last("streams-to-lake"))).as("the reason, for the console")
                .contains("S3 did not answer");
    }

    @Test
    void aFailureThatIsNotAnOutageIsNotRetriedForeverAndCommitsNothing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        land.whenAnyExchangeReceived(e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a bug");
        });

        Exchange done = producer.send("direct:lake-batch", e -> e.getMessage().setBody(List.of("r1")));

        assertThat(done.getException()).hasMessage("a bug");
        assertThat(calls.get()).isEqualTo(1);
        assertThat(commit.getReceivedCounter()).isZero();
    }
}
