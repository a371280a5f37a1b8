package dev.caravan.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.caravan.support.OneLine;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of route files, one file at a time. Unlike Camel's default it never stops routes from other files, and
 * a file that does not load is reported in one line while the routes it defined before keep running (if the new
 * version got as far as replacing them, the last good version of the file is loaded back).
 */
public final class RouteFileReloader extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);

    private final Path folder;
    private final Map<String, String> lastGood = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private volatile String lastProblem;

    public RouteFileReloader(Path folder, String pattern) {
        super(folder.toString(), true);
        this.folder = folder;
        setPattern(pattern);
        setRemoveAllRoutes(false);
    }

    @Override
    protected void doStart() throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            // a Kubernetes ConfigMap mount keeps versioned copies in hidden ..data folders: only the visible files count
            files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> java.util.stream.StreamSupport.stream(folder.relativize(p).spliterator(), false)
                            .noneMatch(part -> part.toString().startsWith(".")))
                    .forEach(p -> remember(location(p), read(p)));
        }
        super.doStart();
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null) {
            // a properties change: reload every known file so placeholders are resolved again
            resources = lastGood.keySet().stream()
                    .map(loc -> PluginHelper.getResourceLoader(getCamelContext()).resolveResource(loc)).toList();
        }
        for (Resource resource : resources) {
            reload(resource);
        }
    }

    private void reload(Resource resource) {
        String location = resource.getLocation();
        String content;
        try (InputStream in = resource.getInputStream()) {
            content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.debug("Route file {} is gone or unreadable, nothing reloaded: {}", location, e.toString());
            return;
        }
        if (content.isBlank()) {
            // editors truncate before they write: the write that follows triggers another reload
            LOG.debug("Route file {} is empty for now, not reloaded", location);
            return;
        }
        try {
            Set<String> ids = load(location, content);
            // the file may declare, change or drop a flow: a flow that makes no sense refuses the whole file
            refreshFlows();
            remember(location, content);
            LOG.info("Reloaded route file {} (routes: {})", shortName(location), String.join(", ", ids));
        } catch (Exception e) {
            String where = shortName(location);
            String path = location.startsWith("file:") ? location.substring(5) : location;
            String problem = OneLine.of(e).replace(location + ": ", "").replace(" in " + location, "")
                    .replace(location, where).replace(path, where);
            // a refused flow names its file and line already
            lastProblem = problem.startsWith(where + ":") ? problem : where + ": " + problem;
            rejected.incrementAndGet();
            LOG.error("Route file {} not reloaded, the previous version keeps running: {}", shortName(location), problem);
            restore(location);
            try {
                refreshFlows();
            } catch (RuntimeException again) {
                LOG.error("Flows not refreshed after restoring {}: {}", shortName(location), OneLine.of(again));
            }
        }
    }

    private void refreshFlows() {
        dev.caravan.flow.Flows flows = getCamelContext().getRegistry().lookupByNameAndType("flows",
                dev.caravan.flow.Flows.class);
        if (flows != null) {
            flows.refresh();
        }
    }

    /** Route files that failed to load since start (their previous version kept running). */
    public long rejectedCount() {
        return rejected.get();
    }

    /** The last rejected file and why, as logged. */
    public String lastProblem() {
        return lastProblem;
    }

    private void restore(String location) {
        String previous = lastGood.get(location);
        if (previous == null) {
            // a new file that does not make sense leaves nothing behind (its flow would refuse every later reload)
            removeRoutesOf(location);
            return;
        }
        try {
            load(location, previous);
        } catch (Exception e) {
            LOG.error("Route file {}: restoring its previous version failed too: {}", shortName(location), OneLine.of(e));
        }
    }

    /**
     * What Camel's updateRoutes does (route configurations, templates, routes, rests), plus the templated routes it
     * leaves out: each is made again from its template, replacing the route of the same id.
     */
    private Set<String> load(String location, String content) throws Exception {
        var loader = PluginHelper.getRoutesLoader(getCamelContext());
        Collection<org.apache.camel.RoutesBuilder> builders = loader.findRoutesBuilders(
                List.of(ResourceHelper.fromString(location, content)));
        for (org.apache.camel.RoutesBuilder builder : builders) {
            if (builder instanceof org.apache.camel.RouteConfigurationsBuilder configurations) {
                configurations.updateRouteConfigurationsToCamelContext(getCamelContext());
            }
        }
        Set<String> ids = new java.util.LinkedHashSet<>();
        for (org.apache.camel.RoutesBuilder builder : builders) {
            ids.addAll(builder.updateRoutesToCamelContext(getCamelContext()));
        }
        for (org.apache.camel.RoutesBuilder builder : builders) {
            if (builder instanceof org.apache.camel.builder.RouteBuilder routes
                    && !routes.getTemplatedRouteCollection().getTemplatedRoutes().isEmpty()) {
                for (var templated : routes.getTemplatedRouteCollection().getTemplatedRoutes()) {
                    String id = templated.getRouteId();
                    if (id != null && getCamelContext().getRoute(id) != null) {
                        getCamelContext().getRouteController().stopRoute(id);
                        getCamelContext().removeRoute(id);
                    }
                    if (id != null) {
                        ids.add(id);
                    }
                }
                routes.addTemplatedRoutesToCamelContext(getCamelContext());
            }
        }
        return ids;
    }

    private void removeRoutesOf(String location) {
        for (org.apache.camel.Route route : List.copyOf(getCamelContext().getRoutes())) {
            Resource source = route.getSourceResource();
            if (source != null && location.equals(source.getLocation())) {
                try {
                    getCamelContext().getRouteController().stopRoute(route.getRouteId());
                    getCamelContext().removeRoute(route.getRouteId());
                } catch (Exception e) {
                    LOG.error("Route {} of {} could not be removed: {}", route.getRouteId(), shortName(location),
                            OneLine.of(e));
                }
            }
        }
    }

    private void remember(String location, String content) {
        if (content != null) {
            lastGood.put(location, content);
        }
    }

    private String shortName(String location) {
        String path = location.startsWith("file:") ? location.substring(5) : location;
        Path p = Path.of(path).toAbsolutePath().normalize();
        Path base = folder.toAbsolutePath().normalize();
        return p.startsWith(base) ? base.getFileName() + "/" + base.relativize(p) : path;
    }

    private static String location(Path p) {
        return "file:" + p.toAbsolutePath().normalize();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }
}
