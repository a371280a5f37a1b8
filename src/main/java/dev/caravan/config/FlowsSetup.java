package dev.caravan.config;

import dev.caravan.settings.Settings;
import dev.caravan.settings.StartupFailure;
import dev.caravan.settings.HttpSettings;
import dev.caravan.flow.Flows;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Reads the flows once the route files are loaded and before any route starts, so the sinks' endpoints, the ingest
 * streams and the console see them from the first record. A flow file that makes no sense stops the start with one
 * line naming the file and the problem.
 */
public final class FlowsSetup extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        Flows flows = main.getCamelContext().getRegistry().lookupByNameAndType("flows", Flows.class);
        if (flows == null) {
            return;
        }
        Settings settings = new Settings(main.getCamelContext());
        java.nio.file.Path dir = java.nio.file.Path.of(settings.get(HttpSettings.ROUTES_DIR))
                .toAbsolutePath().normalize();
        flows.locateWith(routeId -> RouteFiles.declaring(dir, routeId, FlowsSetup.class.getClassLoader()));
        try {
            flows.refresh();
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage());
        }
    }
}
