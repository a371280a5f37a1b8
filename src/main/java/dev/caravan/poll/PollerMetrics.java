package dev.caravan.poll;

import dev.caravan.support.Meters;
import org.apache.camel.CamelContext;

/**
 * Poller counters in the registry /observe/metrics exposes: requests by HTTP status, records produced and skipped
 * as unchanged, and failed runs (caravan_poller_*_total{poller=...}).
 */
final class PollerMetrics {

    private final Meters meters;

    PollerMetrics(CamelContext context) {
        this.meters = new Meters(context);
    }

    void request(String poller, String status) {
        meters.count("caravan.poller.requests", 1, "poller", poller, "status", status);
    }

    void records(String poller, String outcome, int n) {
        meters.count("caravan.poller.records", n, "poller", poller, "outcome", outcome);
    }

    void run(String poller, String status) {
        meters.count("caravan.poller.runs", 1, "poller", poller, "status", status);
    }
}
