package dev.caravan.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The wait between attempts of a sink batch during an outage, and what readiness and the console learn from it. */
class SinkOutageTest {

    @Test
    void theWaitDoublesPerAttemptUpToItsCap() {
        SinkOutage outage = new SinkOutage(new SinkProgress(Duration.ofMinutes(2)), Duration.ofMillis(500),
                Duration.ofSeconds(30));
        assertThat(outage.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(outage.backoff(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(outage.backoff(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(outage.backoff(1_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void eachRetryKeepsItsReasonForTheConsole() throws Exception {
        SinkProgress progress = new SinkProgress(Duration.ofMinutes(2));
        SinkOutage outage = new SinkOutage(progress, Duration.ZERO, Duration.ZERO);
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getExchangeExtension().setFromRouteId("streams-to-mongo");
        e.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("MongoDB did not answer"));
        outage.process(e);
        assertThat(progress.last("streams-to-mongo")).containsEntry("message", "MongoDB did not answer");
    }

    @Test
    void aBatchInFlightLongerThanTheLimitIsAStall() {
        SinkProgress progress = new SinkProgress(Duration.ZERO);
        progress.begin("streams-to-lake", "exchange-1");
        assertThat(progress.stalled()).containsKey("streams-to-lake");
        assertThat(progress.inFlightFor("streams-to-lake")).isNotNull();
        progress.done("exchange-1");
        assertThat(progress.stalled()).isEmpty();
        assertThat(progress.inFlightFor("streams-to-lake")).isNull();
    }
}
