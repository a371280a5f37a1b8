package dev.caravan.console;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.config.RouteFileReloader;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The last error of each sink route, as its outage handling retries it (onRedeliveryRef of the sink error
 * configurations), so the console can say what a sink is stuck on. Kept in memory: it describes this process.
 */
public final class SinkErrors implements Processor {

    private final Map<String, Map<String, Object>> last = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null) {
            e = exchange.getException();
        }
        String route = exchange.getFromRouteId();
        if (e != null && route != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", RouteFileReloader.oneLine(e));
            error.put("at", Instant.now().toString());
            last.put(route, error);
        }
    }

    /** The last error of a route, or null. */
    public Map<String, Object> last(String routeId) {
        return last.get(routeId);
    }
}
