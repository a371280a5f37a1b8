package dev.caravan.health;

import java.util.Map;
import java.util.function.Consumer;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness-only check: an unreachable dependency makes the app not ready, it does not make it dead. Its probe
 * (one of {@link Probes}) marks the result up or down and adds its details.
 */
public final class ReadinessCheck extends AbstractHealthCheck {

    private final Consumer<HealthCheckResultBuilder> probe;

    public ReadinessCheck(String id, Consumer<HealthCheckResultBuilder> probe) {
        super("caravan", id);
        this.probe = probe;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        probe.accept(builder);
    }
}
