package dev.caravan.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the route files packaged under routes/ on the classpath (in the jar or in target/classes). Camel's classpath
 * scanning with ** loses sub-folders inside a jar, so the packaged routes are named one by one.
 */
final class PackagedRoutes {

    private PackagedRoutes() {
    }

    /** classpath: locations of every packaged *.yaml under routes/, templates first. */
    static List<String> locations(ClassLoader loader) {
        URL root = loader.getResource("routes/");
        if (root == null) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        try {
            if ("jar".equals(root.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    jar.stream().map(e -> e.getName())
                            .filter(n -> n.startsWith("routes/") && n.endsWith(".yaml"))
                            .forEach(n -> found.add("classpath:" + n));
                }
            } else {
                Path dir = Path.of(root.toURI());
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(p -> p.toString().endsWith(".yaml"))
                            .forEach(p -> found.add("classpath:routes/" + dir.relativize(p).toString().replace('\\', '/')));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the packaged routes", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        found.sort(RoutesSetup.TEMPLATES_FIRST);
        return found;
    }
}
