package dev.caravan.health;

import java.time.Duration;
import java.util.Map;

import dev.caravan.sink.SinkProgress;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: no sink has had a batch in flight for longer than caravan.sink.stall-limit-ms. Such a sink holds records
 * it cannot write (an outage it is still retrying); the message says which route, for how long and why.
 */
public final class SinkProgressCheck extends ReadinessCheck {

    private final SinkProgress progress;

    public SinkProgressCheck(SinkProgress progress) {
        super("sinks");
        this.progress = progress;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Duration> stalled = progress.stalled();
        builder.detail("stall.limit.ms", progress.stallLimit().toMillis());
        if (stalled.isEmpty()) {
            builder.up();
            return;
        }
        StringBuilder message = new StringBuilder();
        stalled.forEach((route, d) -> {
            Map<String, Object> error = progress.last(route);
            message.append(message.length() == 0 ? "" : "; ").append(route).append(" has retried one batch for ")
                    .append(d.toSeconds()).append(" s (limit ").append(progress.stallLimit().toSeconds()).append(" s)")
                    .append(error == null ? "" : ": " + error.get("message"));
        });
        builder.message(message.toString()).down();
    }
}
