package dev.caravan.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import dev.caravan.flow.Flows;

/** Which route file declares a route id (for messages that should name the file): the routes folder, or the jar's. */
final class RouteFiles {

    private RouteFiles() {
    }

    /** The file whose text declares {@code routeId: ID}, named as the reloader names files, or null. */
    static Flows.Source declaring(Path dir, String routeId, ClassLoader loader) {
        Pattern declares = Pattern.compile("(?m)^\\s*(routeId|id):\\s*\"?" + Pattern.quote(routeId) + "\"?\\s*$");
        try {
            if (Files.isDirectory(dir)) {
                for (String location : RoutesSetup.files(dir)) {
                    Path file = Path.of(location.substring("file:".length()));
                    String text = Files.readString(file);
                    if (declares.matcher(text).find()) {
                        return new Flows.Source(dir.getFileName() + "/" + dir.relativize(file).toString()
                                .replace('\\', '/'), text);
                    }
                }
                return null;
            }
            List<String> packaged = PackagedRoutes.locations(loader);
            for (String location : packaged) {
                String resource = location.substring("classpath:".length());
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    if (declares.matcher(text).find()) {
                        return new Flows.Source(resource, text);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
