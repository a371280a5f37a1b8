package dev.caravan.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.caravan.support.PackagedFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The declared metrics: every *.yaml of the metrics folder (caravan.metrics.dir), else the ones packaged in the jar.
 * Read again when a file changes, so a metric is added, edited or removed while Caravan runs; a file that does not
 * parse is refused in one line and the version before it (if any) stays.
 */
public final class MetricFiles {

    private static final Logger LOG = LoggerFactory.getLogger(MetricFiles.class);

    private final Path dir;
    private final Map<String, Loaded> byLocation = new HashMap<>();

    private record Loaded(long stamp, DeclaredMetric metric, String problem) {
    }

    public MetricFiles(Path dir) {
        this.dir = dir;
    }

    /** The metrics as their files say now, by name. */
    public synchronized List<DeclaredMetric> all() {
        List<String> locations = locations();
        byLocation.keySet().retainAll(locations);
        List<DeclaredMetric> out = new ArrayList<>();
        for (String location : locations) {
            long stamp = stamp(location);
            Loaded known = byLocation.get(location);
            if (known == null || known.stamp() != stamp) {
                Loaded next;
                try {
                    DeclaredMetric m = DeclaredMetric.parse(read(location), shortName(location));
                    next = new Loaded(stamp, m, null);
                    if (known != null) {
                        LOG.info("Metric {} reloaded from {}", m.name(), shortName(location));
                    }
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    LOG.error("Metric file refused, {}: {}", known != null && known.metric() != null
                            ? "its previous version stays" : "it is left out", e.getMessage());
                    next = new Loaded(stamp, known == null ? null : known.metric(), e.getMessage());
                }
                byLocation.put(location, next);
                known = next;
            }
            if (known.metric() != null) {
                out.add(known.metric());
            }
        }
        out.sort(java.util.Comparator.comparing(DeclaredMetric::name));
        return out;
    }

    private List<String> locations() {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/.."))
                        .map(Path::toString).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
        return PackagedFiles.locations(MetricFiles.class.getClassLoader(), "metrics", ".yaml");
    }

    private static long stamp(String location) {
        if (location.startsWith("classpath:")) {
            return 0;
        }
        try {
            return Files.getLastModifiedTime(Path.of(location)).toMillis() ^ Files.size(Path.of(location));
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                try (InputStream in = MetricFiles.class.getClassLoader()
                        .getResourceAsStream(location.substring("classpath:".length()))) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    private static String shortName(String location) {
        int slash = location.lastIndexOf('/');
        return "metrics/" + location.substring(slash + 1);
    }
}
