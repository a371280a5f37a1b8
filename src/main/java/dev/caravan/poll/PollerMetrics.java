package dev.caravan.poll;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * Poller counters in the registry /observe/metrics exposes: requests by HTTP status, records produced and skipped
 * as unchanged, and failed runs (caravan_poller_*_total{poller=...}).
 */
final class PollerMetrics {

    private final CamelContext context;
    private volatile MeterRegistry registry;

    PollerMetrics(CamelContext context) {
        this.context = context;
    }

    void request(String poller, String status) {
        MeterRegistry r = registry();
        if (r != null) {
            r.counter("caravan.poller.requests", "poller", poller, "status", status).increment();
        }
    }

    void records(String poller, String outcome, int n) {
        MeterRegistry r = registry();
        if (r != null && n > 0) {
            r.counter("caravan.poller.records", "poller", poller, "outcome", outcome).increment(n);
        }
    }

    void run(String poller, String status) {
        MeterRegistry r = registry();
        if (r != null) {
            r.counter("caravan.poller.runs", "poller", poller, "status", status).increment();
        }
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null && context != null) {
            // bound by camel-micrometer-prometheus when the context starts
            r = context.getRegistry().findSingleByType(MeterRegistry.class);
            registry = r;
        }
        return r;
    }
}
