package dev.caravan.support;

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
 * Lists files packaged under a folder of the classpath (in the jar or in target/classes). Classpath scanning with **
 * loses sub-folders inside a jar, so the entries are listed one by one.
 */
public final class PackagedFiles {

    private PackagedFiles() {
    }

    /** classpath: locations of every packaged file under {@code folder} (e.g. "routes") whose name ends so. */
    public static List<String> locations(ClassLoader loader, String folder, String suffix) {
        URL root = loader.getResource(folder + "/");
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
                            .filter(n -> n.startsWith(folder + "/") && n.endsWith(suffix))
                            .forEach(n -> found.add("classpath:" + n));
                }
            } else {
                Path dir = Path.of(root.toURI());
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(p -> p.toString().endsWith(suffix)).forEach(p -> found.add("classpath:" + folder
                            + "/" + dir.relativize(p).toString().replace('\\', '/')));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the packaged " + folder, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        found.sort(null);
        return found;
    }
}
