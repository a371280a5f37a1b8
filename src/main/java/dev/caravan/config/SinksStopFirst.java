package dev.caravan.config;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On stop, the sinks' consumer routes are stopped first, while the routes they call per record (the router and the
 * flows', direct: routes) still run: a batch in flight finishes and commits. Stopped together, a batch could wait
 * for a direct: route already stopped until Camel's shutdown timeout (30 s) and then be interrupted.
 */
public final class SinksStopFirst extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SinksStopFirst.class);

    /** The consumer routes of the sinks, by id. */
    static final List<String> SINK_ROUTES = List.of("streams-to-mongo", "streams-to-lake");

    @Override
    public void beforeStop(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        if (context == null) {
            return;
        }
        for (String id : SINK_ROUTES) {
            Route route = context.getRoute(id);
            if (route == null || !context.getRouteController().getRouteStatus(id).isStarted()) {
                continue;
            }
            try {
                context.getRouteController().stopRoute(id, 30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Stopping {} before the other routes failed: {}", id, e.toString());
            }
        }
    }
}
