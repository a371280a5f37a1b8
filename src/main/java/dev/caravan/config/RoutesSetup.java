package dev.caravan.config;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.caravan.settings.Settings;
import dev.caravan.settings.HttpSettings;
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
        Path dir = Path.of(settings.get(HttpSettings.ROUTES_DIR)).toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            // named one by one, templates first: a file of templated routes needs its template loaded before it
            main.configure().setRoutesIncludePattern(String.join(",", files(dir)));
            boolean reload = settings.get(HttpSettings.ROUTES_RELOAD);
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

    /**
     * file: locations of every *.yaml under the folder, the files declaring route templates first (a file of
     * templated routes needs its template loaded before it, and a flat ConfigMap mount has no templates/ folder to
     * sort by), then by path.
     */
    static java.util.List<String> files(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            java.util.List<Path> files = walk.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> java.util.stream.StreamSupport.stream(dir.relativize(p).spliterator(), false)
                            .noneMatch(part -> part.toString().startsWith(".")))
                    .toList();
            java.util.Set<Path> templates = new java.util.HashSet<>();
            for (Path p : files) {
                if (TEMPLATE.matcher(Files.readString(p)).find()) {
                    templates.add(p);
                }
            }
            return files.stream().sorted(java.util.Comparator.comparing((Path p) -> !templates.contains(p))
                            .thenComparing(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .map(p -> "file:" + p).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list the route files in " + dir, e);
        }
    }

    private static final java.util.regex.Pattern TEMPLATE = java.util.regex.Pattern.compile("(?m)^-\\s+routeTemplate:");

    /** Packaged route files in load order: templates/ before the rest, then alphabetical. */
    static final java.util.Comparator<String> TEMPLATES_FIRST = java.util.Comparator
            .comparing((String path) -> !path.replace("classpath:routes/", "").startsWith("templates/"))
            .thenComparing(java.util.Comparator.naturalOrder());

    public String description() {
        return description;
    }
}
