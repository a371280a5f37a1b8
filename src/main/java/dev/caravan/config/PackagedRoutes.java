package dev.caravan.config;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.support.PackagedFiles;

/**
 * Lists the route files packaged under routes/ on the classpath (in the jar or in target/classes). Camel's classpath
 * scanning with ** loses sub-folders inside a jar, so the packaged routes are named one by one.
 */
final class PackagedRoutes {

    private PackagedRoutes() {
    }

    /** classpath: locations of every packaged *.yaml under routes/, templates first. */
    static List<String> locations(ClassLoader loader) {
        List<String> found = new ArrayList<>(PackagedFiles.locations(loader, "routes", ".yaml"));
        found.sort(RoutesSetup.TEMPLATES_FIRST);
        return found;
    }
}
