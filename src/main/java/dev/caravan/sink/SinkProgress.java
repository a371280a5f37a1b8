package dev.caravan.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.support.OneLine;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * What each sink route is doing (the route policy of the sink routes): since when each batch has been in flight, and
 * the last error its outage handling retried. A batch in flight longer than the stall limit is a sink that makes no
 * progress while it has records to write: readiness says so (Probes.sinks), and so does the console.
 */
public final class SinkProgress extends RoutePolicySupport {

    private record InFlight(String routeId, long startedNanos) {
    }

    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> lastError = new ConcurrentHashMap<>();
    private final Duration stallLimit;

    public SinkProgress(Duration stallLimit) {
        this.stallLimit = stallLimit;
    }

    public Duration stallLimit() {
        return stallLimit;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        begin(route.getRouteId(), exchange.getExchangeId());
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        done(exchange.getExchangeId());
    }

    void begin(String routeId, String exchangeId) {
        inFlight.put(exchangeId, new InFlight(routeId, System.nanoTime()));
    }

    void done(String exchangeId) {
        inFlight.remove(exchangeId);
    }

    /** A retry of the route's batch: its reason is kept for the console. */
    public void failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null) {
            e = exchange.getException();
        }
        String route = exchange.getFromRouteId();
        if (e != null && route != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", OneLine.of(e));
            error.put("at", Instant.now().toString());
            lastError.put(route, error);
        }
    }

    /** The last error a route retried, or null. */
    public Map<String, Object> last(String routeId) {
        return lastError.get(routeId);
    }

    /** How long the route's oldest batch has been in flight, or null when none is. */
    public Duration inFlightFor(String routeId) {
        long oldest = Long.MAX_VALUE;
        for (InFlight f : inFlight.values()) {
            if (f.routeId().equals(routeId)) {
                oldest = Math.min(oldest, f.startedNanos());
            }
        }
        return oldest == Long.MAX_VALUE ? null : Duration.ofNanos(System.nanoTime() - oldest);
    }

    /** Routes with a batch in flight for longer than the stall limit, and for how long. */
    public Map<String, Duration> stalled() {
        Map<String, Duration> out = new TreeMap<>();
        for (InFlight f : inFlight.values()) {
            Duration d = Duration.ofNanos(System.nanoTime() - f.startedNanos());
            if (d.compareTo(stallLimit) > 0) {
                out.merge(f.routeId(), d, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
        return out;
    }
}
