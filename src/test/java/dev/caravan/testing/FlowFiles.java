package dev.caravan.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.caravan.flow.Flow;
import dev.caravan.flow.FlowFile;
import dev.caravan.flow.Flows;
import dev.caravan.flow.Rules;

/**
 * The flows the repository's flow files declare (routes/flows/), read without starting Camel: the unit tests of the
 * beans that read flows, and the specs of each seed flow's cleaning, use exactly what ships.
 */
public final class FlowFiles {

    private static final Path DIR = Path.of("routes/flows");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)}}");

    private FlowFiles() {
    }

    /** The flow of this name, as its file declares it (placeholders from application.properties). */
    public static Flow flow(String name) {
        return all().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no flow file declares " + name));
    }

    /** The flow's cleaning. */
    public static Rules rules(String name) {
        return flow(name).rules();
    }

    /** Every shipped flow. */
    public static Flows flows() {
        return Flows.of(all());
    }

    /** Every shipped flow, one per file. */
    public static List<Flow> all() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Flow> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.sorted().toList()) {
                out.addAll(read(file, properties));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static List<Flow> read(Path file, Properties properties) throws IOException {
        return FlowFile.read(file, v -> resolve(v, properties)).stream()
                .map(f -> new Flow(f.name(), f.description(), f.topic(), f.key(), f.schema(), f.format(), f.mongo(),
                        f.join(), f.lake(), f.compaction(), f.rules(), "routes/flows/" + file.getFileName()))
                .toList();
    }

    private static String resolve(String value, Properties properties) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = properties.getProperty(m.group(1).trim());
            if (v == null) {
                throw new IllegalArgumentException("no property " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
