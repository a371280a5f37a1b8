package dev.caravan.sink;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The wait between two attempts of a sink batch during an outage (onRedeliveryRef of the sink error configurations,
 * which redeliver at once and leave the waiting to this). It backs off exponentially, and waits by polling with the
 * partitions paused ({@link SinkConsumer#keepAlive}), never by sleeping on the consumer thread: a sink that waits out
 * a long outage keeps its partitions instead of being expelled from its group after max.poll.interval.ms.
 *
 * @param initial the first wait, doubled after each attempt up to {@code max}
 */
public record SinkOutage(SinkProgress progress, Duration initial, Duration max) implements Processor {

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        progress.failed(exchange);
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        Duration wait = backoff(attempt);
        SinkConsumer<?, ?> consumer = SinkConsumer.current();
        if (consumer != null) {
            consumer.keepAlive(wait);
        } else {
            Thread.sleep(wait.toMillis());
        }
    }

    /** initial, doubled per attempt, at most max. */
    Duration backoff(int attempt) {
        long ms = initial.toMillis();
        for (int i = 1; i < attempt && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
