package dev.caravan.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.Schema;

/** The schema files of src/main/avro: NAME.avsc, the current schema, and history/NAME/vN.avsc, its versions. */
final class AvroSchemaFiles {

    // tests run in the project directory, so the sources are read where they are written
    static final Path DIR = Path.of("src", "main", "avro");
    private static final Pattern VERSION = Pattern.compile("v([1-9][0-9]*)\\.avsc");

    private AvroSchemaFiles() {
    }

    /** Names of the current schemas (files NAME.avsc), sorted. */
    static List<String> names() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc"))
                    .map(n -> n.substring(0, n.length() - ".avsc".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Schema current(String name) {
        return parse(DIR.resolve(name + ".avsc"));
    }

    /** The versions of a schema, v1 first; an error when a number is skipped, so a version cannot go missing. */
    static List<Schema> history(String name) {
        Path dir = DIR.resolve("history").resolve(name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        TreeMap<Integer, Path> versions = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = VERSION.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    throw new IllegalStateException(p + " is not named vN.avsc");
                }
                versions.put(Integer.parseInt(m.group(1)), p);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Schema> out = new ArrayList<>();
        for (int v = 1; v <= versions.size(); v++) {
            if (!versions.containsKey(v)) {
                throw new IllegalStateException(dir + " has no v" + v + ".avsc but has " + versions.keySet());
            }
            out.add(parse(versions.get(v)));
        }
        return out;
    }

    static Schema parse(Path file) {
        try {
            // a fresh parser per file: each file is a whole schema, names are not shared between files
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
