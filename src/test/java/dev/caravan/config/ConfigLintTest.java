package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Conventions as code: every placeholder a route uses is documented in application.properties, every key there has a
 * comment with its default, every route and side-effecting step has an id, and no secret is written literally.
 */
class ConfigLintTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Path PROPERTIES = Path.of("application.properties");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.+?)}}");
    /** Steps that write somewhere or call code: tests and metrics address them by id. */
    private static final Set<String> SIDE_EFFECTS = Set.of("to", "toD", "wireTap", "enrich", "pollEnrich", "bean",
            "process", "kamelet", "multicast", "recipientList", "routingSlip", "dynamicRouter");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|api-?key|access-?key).*");

    @Test
    void everyPlaceholderInRoutesIsDocumentedInApplicationProperties() throws IOException {
        Map<String, String> documented = documentedKeys();
        List<String> missing = new ArrayList<>();
        for (Path file : routeFiles()) {
            Set<String> templateParameters = templateParameters(load(file));
            Matcher m = PLACEHOLDER.matcher(Files.readString(file));
            while (m.find()) {
                String key = m.group(1);
                if (key.startsWith("?") || key.startsWith("env:") || key.startsWith("sys:")
                        || templateParameters.contains(key) || beanFunction(key)) {
                    continue;
                }
                if (!documented.containsKey(key.split(":", 2)[0])) {
                    missing.add(file + ": {{" + key + "}}");
                }
            }
        }
        assertThat(missing).as("placeholders used in routes/ but not declared in application.properties").isEmpty();
    }

    /** {{bean:NAME.method}}: a value computed by a bean Caravan binds (the flows' topics); the method must exist. */
    private static boolean beanFunction(String key) {
        if (!key.startsWith("bean:flows.")) {
            return false;
        }
        String method = key.substring("bean:flows.".length());
        return java.util.Arrays.stream(dev.caravan.flow.Flows.class.getMethods())
                .anyMatch(m -> m.getName().equals(method) && m.getParameterCount() == 0);
    }

    @Test
    void everyFlowFileDeclaresOneFlowNamedForTheFileWhoseSchemasExist() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Long> perFile = new java.util.TreeMap<>();
        for (dev.caravan.flow.Flow flow : dev.caravan.testing.FlowFiles.all()) {
            String file = Path.of(flow.source()).getFileName().toString();
            perFile.merge(file, 1L, Long::sum);
            if (!file.equals(flow.name() + ".camel.yaml")) {
                problems.add(flow.source() + ": flow " + flow.name() + " in a file named otherwise");
            }
            if (flow.schema() != null && flow.schema().startsWith("classpath:")
                    && !Files.exists(Path.of("src/main/resources", flow.schema().substring("classpath:".length())))) {
                problems.add(flow.source() + ": no JSON Schema " + flow.schema());
            }
            if (flow.format().equals("avro") && !Files.exists(Path.of("src/main/avro", flow.name() + ".avsc"))) {
                problems.add(flow.source() + ": Avro without src/main/avro/" + flow.name() + ".avsc");
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("routes/flows"))) {
            files.map(f -> f.getFileName().toString()).filter(f -> perFile.getOrDefault(f, 0L) != 1)
                    .forEach(f -> problems.add("routes/flows/" + f + ": " + perFile.getOrDefault(f, 0L) + " flows"));
        }
        assertThat(problems).as("flow files: one flow each, named for it, its schemas in the build").isEmpty();
    }

    @Test
    void everyPropertyHasACommentLineAboveItThatNamesTheDefault() throws IOException {
        List<String> lines = Files.readAllLines(PROPERTIES);
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String comment = i > 0 ? lines.get(i - 1).strip() : "";
            boolean fromOtherKey = comment.contains("(from ") || comment.contains("come from") || comment.contains("built from");
            if (!comment.startsWith("#") || !(comment.toLowerCase().contains("default") || fromOtherKey)) {
                undocumented.add((i + 1) + ": " + line);
            }
        }
        assertThat(undocumented).as("keys without a one-line comment naming their default").isEmpty();
    }

    @Test
    void placeholdersInsideApplicationPropertiesPointAtDeclaredOrActiveKeys() throws IOException {
        Map<String, String> documented = documentedKeys();
        List<String> dangling = new ArrayList<>();
        documented.forEach((key, value) -> {
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                String ref = m.group(1);
                boolean ok = ref.startsWith("env:") || ref.startsWith("?") || ref.startsWith("caravan.active.")
                        || documented.containsKey(ref);
                if (!ok) {
                    dangling.add(key + " -> {{" + ref + "}}");
                }
            }
        });
        assertThat(dangling).isEmpty();
    }

    @Test
    void everyRouteRestAndSideEffectingStepHasAnIdAndFilesAreNamedForTheirMainId() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : routeFiles()) {
            List<String> ids = new ArrayList<>();
            for (Object item : (Iterable<?>) load(file)) {
                Map<?, ?> entry = (Map<?, ?>) item;
                for (Map.Entry<?, ?> e : entry.entrySet()) {
                    Map<?, ?> body = (Map<?, ?>) e.getValue();
                    String kind = e.getKey().toString();
                    Object id = body.get("id") != null ? body.get("id") : body.get("routeId");
                    if (id == null) {
                        problems.add(file + ": a " + kind + " without id");
                    } else {
                        ids.add(id.toString());
                        if (!id.toString().matches("[a-z0-9]+(-[a-z0-9]+)*")) {
                            problems.add(file + ": id '" + id + "' is not kebab-case");
                        }
                    }
                    walk(file, kind, body, problems);
                }
            }
            String base = file.getFileName().toString().replaceAll("\\.camel\\.yaml$|\\.yaml$", "");
            // a flow file is named for its flow, whose route is flow-NAME
            base = file.getParent().getFileName().toString().equals("flows") ? "flow-" + base : base;
            if (!ids.contains(base)) {
                problems.add(file + ": no route, rest or configuration with id '" + base + "' (ids: " + ids + ")");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void secretsAreNeverLiteralInRoutesOrProperties() throws IOException {
        List<String> literal = new ArrayList<>();
        documentedKeys().forEach((key, value) -> {
            if (SECRET_NAME.matcher(key).matches() && !value.isBlank() && !value.contains("{{")
                    && !key.startsWith("caravan.embedded.s3.access-key")) {
                literal.add("application.properties: " + key);
            }
        });
        for (Path file : routeFiles()) {
            collectLiteralSecrets(file, load(file), literal);
        }
        assertThat(literal).as("secrets must come from {{env:...}} or placeholders").isEmpty();
    }

    private static void walk(Path file, String where, Object node, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = e.getKey().toString();
                if (SIDE_EFFECTS.contains(key) && e.getValue() instanceof Map<?, ?> step && !step.containsKey("id")
                        && !where.equals("rest")) {
                    problems.add(file + ": step '" + key + "' in " + where + " has no id");
                }
                walk(file, key, e.getValue(), problems);
            }
        } else if (node instanceof List<?> list) {
            for (Object o : list) {
                walk(file, where, o, problems);
            }
        }
    }

    private static void collectLiteralSecrets(Path file, Object node, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (SECRET_NAME.matcher(k.toString()).matches() && v instanceof String s && !s.contains("{{")) {
                    out.add(file + ": " + k);
                }
                collectLiteralSecrets(file, v, out);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(o -> collectLiteralSecrets(file, o, out));
        }
    }

    /** Names of route template parameters declared in a file: {{name}} there is the template's, not a property. */
    private static Set<String> templateParameters(Object yaml) {
        Set<String> names = new java.util.HashSet<>();
        for (Object item : (Iterable<?>) yaml) {
            Object template = ((Map<?, ?>) item).get("routeTemplate");
            if (template instanceof Map<?, ?> t && t.get("parameters") instanceof List<?> params) {
                for (Object p : params) {
                    names.add(String.valueOf(((Map<?, ?>) p).get("name")));
                }
            }
        }
        return names;
    }

    private static Object load(Path file) throws IOException {
        return new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(ROUTES)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(files).isNotEmpty();
            return files;
        }
    }

    private static Map<String, String> documentedKeys() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PROPERTIES)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            keys.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return keys;
    }
}
