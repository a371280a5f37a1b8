package dev.caravan.support;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/** Caravan's counters in the registry /observe/metrics exposes (caravan_*_total), found once the context has one. */
public final class Meters {

    private final CamelContext context;
    private volatile MeterRegistry registry;

    public Meters(CamelContext context) {
        this.context = context;
    }

    /** Adds n to the counter with these tags (name, value pairs); nothing before the registry exists. */
    public void count(String name, double n, String... tags) {
        MeterRegistry r = registry();
        if (r != null && n > 0) {
            r.counter(name, tags).increment(n);
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
