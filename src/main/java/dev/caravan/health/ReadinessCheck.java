package dev.caravan.health;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** A readiness-only check: an unreachable dependency makes the app not ready, it does not make it dead. */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super("caravan", id);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }
}
