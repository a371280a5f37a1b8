package dev.caravan.sink.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A local copy of topics' clean zones, kept in step with the bucket through Caravan's own S3 client, so a query engine
 * reads plain files (DuckDB's S3 access is an extension it would download). Lake files are never rewritten under one
 * name, so only new names are fetched, and names gone from the bucket (compacted) are removed here.
 *
 * @param root where the copies are: every topic under its own folder
 */
public record LakeMirror(LakeStore store, LakeKeys keys, Path root) {

    /** The topic's clean zone under {@code root/TOPIC/dt=.../hour=.../}, in step with the bucket now. */
    public synchronized Path sync(String topic) {
        String prefix = keys.zonePrefix("clean", topic);
        Path dir = root.resolve(topic);
        try {
            Files.createDirectories(dir);
            Set<Path> listed = new HashSet<>();
            for (String key : store.list(prefix)) {
                if (key.contains("/_")) {
                    continue; // intents and other bookkeeping, never data
                }
                Path local = dir.resolve(key.substring(prefix.length())).normalize();
                if (!local.startsWith(dir)) {
                    continue;
                }
                listed.add(local);
                if (!Files.exists(local)) {
                    Files.createDirectories(local.getParent());
                    Path part = local.resolveSibling(local.getFileName() + ".part");
                    Files.write(part, store.get(key));
                    Files.move(part, local, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    if (!listed.contains(p)) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the clean zone of " + topic + " to " + dir, e);
        }
        return dir;
    }

    /** The formats present under a mirrored topic: ndjson.gz, parquet, avro. */
    public static List<String> formats(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            Set<String> out = new java.util.TreeSet<>();
            files.map(p -> p.getFileName().toString()).forEach(n -> {
                if (n.endsWith(".ndjson.gz")) {
                    out.add("ndjson.gz");
                } else if (n.endsWith(".parquet")) {
                    out.add("parquet");
                } else if (n.endsWith(".avro")) {
                    out.add("avro");
                }
            });
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
