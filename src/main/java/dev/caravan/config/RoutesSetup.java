package dev.caravan.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads routes from the routes directory (caravan.routes-dir) with live reload, or from the routes packaged in the
 * jar when that directory does not exist, so the jar also runs from any working directory.
 */
public final class RoutesSetup extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesSetup.class);
    static final String PATTERN = "**/*.yaml";

    private String description;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        Settings settings = new Settings(main.getCamelContext());
        Path dir = Path.of(settings.get("caravan.routes-dir", "routes")).toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            main.configure().setRoutesIncludePattern("file:" + dir + "/" + PATTERN);
            boolean reload = settings.getBoolean("caravan.routes.reload", true);
            if (reload) {
                try {
                    main.getCamelContext().addService(new RouteFileReloader(dir, PATTERN));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot watch " + dir + " for route changes", e);
                }
            }
            description = dir + (reload ? " (live reload on)" : " (live reload off)");
        } else {
            main.configure().setRoutesIncludePattern(
                    String.join(",", PackagedRoutes.locations(RoutesSetup.class.getClassLoader())));
            description = "packaged in the jar (" + dir + " not found)";
            LOG.info("No routes directory at {}: using the routes packaged in the jar", dir);
        }
    }

    public String description() {
        return description;
    }
}
