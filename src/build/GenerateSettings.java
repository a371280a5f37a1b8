import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Writes the typed settings handles (dev.caravan.settings.IngestSettings and friends, and SettingsCatalogue) from
 * the settings catalogue, so a key's type, default and doc are written once, in data. Run by the build at
 * generate-sources: {@code java -cp <project classpath> GenerateSettings.java CATALOGUE OUTPUT_DIR}. A catalogue
 * that makes no sense stops the build with a line naming the key.
 */
public final class GenerateSettings {

    private static final String PACKAGE = "dev.caravan.settings";
    private static final List<String> TYPES = List.of("text", "int", "long", "ms", "s", "flag", "list", "one-of");

    /** One setting as the catalogue declares it. */
    record Declared(String key, String type, List<String> values, Long min, Long max, String defaultValue, String env,
            String shown, String doc) {
    }

    private final Map<String, Map<String, Object>> handles;
    private final Map<String, List<String>> handleFields = new LinkedHashMap<>();
    private final Set<String> keys = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    private GenerateSettings(Map<String, Map<String, Object>> handles) {
        this.handles = handles;
        handles.keySet().forEach(h -> handleFields.put(h, new ArrayList<>()));
    }

    public static void main(String[] args) throws IOException {
        Path catalogue = Path.of(args[0]);
        Path out = Path.of(args[1]).resolve(PACKAGE.replace('.', '/'));
        try {
            Map<String, Object> root = map(new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(catalogue)), "the catalogue");
            Map<String, Map<String, Object>> handles = new LinkedHashMap<>();
            map(root.get("handles"), "handles").forEach((name, spec) -> handles.put(name, map(spec, name)));
            new GenerateSettings(handles).write(root, out);
        } catch (RuntimeException e) {
            System.err.println(catalogue + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private void write(Map<String, Object> root, Path out) throws IOException {
        StringBuilder groups = new StringBuilder();
        for (Object g : list(root.get("groups"), "groups")) {
            Map<String, Object> group = map(g, "a group");
            String handle = optional(group, "handles");
            List<String> members = new ArrayList<>();
            for (Object s : list(group.get("settings"), "settings")) {
                Declared d = declared(map(s, "a setting"));
                if (handle == null || !handles.containsKey(handle)) {
                    throw new IllegalArgumentException(d.key() + ": its group names no class of handles: " + handle);
                }
                String name = handle + "." + constant(d, optional(handles.get(handle), "prefix"));
                if (!names.add(name)) {
                    throw new IllegalArgumentException(d.key() + ": its handle " + name + " is another key's too");
                }
                handleFields.get(handle).add(field(d, name.substring(handle.length() + 1)));
                members.add(name);
            }
            groups.append("\n            new SettingGroup(").append(literal(required(group, "header", "a group")))
                    .append(members.isEmpty() ? ", List.of()" : ", List.of(\n                    "
                            + String.join(",\n                    ", members) + ")")
                    .append("),");
        }
        Files.createDirectories(out);
        Set<Path> written = new HashSet<>();
        for (Map.Entry<String, List<String>> h : handleFields.entrySet()) {
            String doc = required(handles.get(h.getKey()), "doc", h.getKey());
            writeIfChanged(written, out.resolve(h.getKey() + ".java"), header(doc, "java.time.Duration", "java.util.List")
                    + "public final class " + h.getKey() + " {\n" + String.join("", h.getValue())
                    + "\n    private " + h.getKey() + "() {\n    }\n}\n");
        }
        StringBuilder families = new StringBuilder();
        List<String> familyNames = new ArrayList<>();
        map(root.get("families"), "families").forEach((name, spec) -> {
            Map<String, Object> f = map(spec, name);
            families.append("\n    /** ").append(javadoc(required(f, "doc", name))).append(" */\n")
                    .append("    public static final KeyFamily ").append(name).append(" = new KeyFamily(")
                    .append(literal(required(f, "prefix", name))).append(", ").append(literal(required(f, "doc", name)))
                    .append(");\n");
            familyNames.add(name);
        });
        writeIfChanged(written, out.resolve("SettingsCatalogue.java"), header(
                "Every caravan.* setting, in the groups and order of application.properties (SettingsCatalogueTest), "
                        + "and the key families read by prefix.", "java.util.List")
                + "public final class SettingsCatalogue {\n\n"
                + "    public static final List<SettingGroup> GROUPS = List.of(" + groups.substring(0,
                        groups.length() - 1) + ");\n" + families
                + "\n    public static final List<KeyFamily> FAMILIES = List.of(" + String.join(", ", familyNames)
                + ");\n\n    private SettingsCatalogue() {\n    }\n}\n");
        try (Stream<Path> files = Files.list(out)) { // a class no longer declared must not linger until a clean
            for (Path f : files.filter(f -> f.toString().endsWith(".java") && !written.contains(f)).toList()) {
                Files.delete(f);
            }
        }
    }

    /** An unchanged file keeps its time stamp, so the compiler's change check does not rebuild everything. */
    private static void writeIfChanged(Set<Path> written, Path file, String text) throws IOException {
        written.add(file);
        if (!Files.exists(file) || !Files.readString(file).equals(text)) {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
    }

    private Declared declared(Map<String, Object> s) {
        String key = optional(s, "key");
        if (key == null || !key.matches("caravan(\\.[a-z][a-z0-9]*(-[a-z0-9]+)*)+")) {
            throw new IllegalArgumentException("a key must be caravan.lower-case-words: " + key);
        }
        if (!keys.add(key)) {
            throw new IllegalArgumentException(key + " is declared twice");
        }
        String type = optional(s, "type");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(key + ": type must be one of " + TYPES + ", got " + type);
        }
        String text = optional(s, "doc");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(key + ": a doc line is required");
        }
        List<String> values = s.get("values") == null ? List.of()
                : list(s.get("values"), key).stream().map(String::valueOf).toList();
        if (!values.isEmpty() && !type.equals("one-of")) {
            throw new IllegalArgumentException(key + ": values: are for a one-of, not " + type);
        }
        if (values.stream().anyMatch(v -> !v.equals(v.toLowerCase(Locale.ROOT)))) {
            throw new IllegalArgumentException(key + ": a one-of's values are lower case (a value is read so)");
        }
        Declared d = new Declared(key, type, values, bound(s, "min"), bound(s, "max"),
                s.get("default") == null ? "" : String.valueOf(s.get("default")),
                optional(s, "env"), optional(s, "shown"), text);
        check(d);
        return d;
    }

    /** The default must be a value of the type, so a bad one fails the build and not a user's start. */
    private static void check(Declared d) {
        String v = d.defaultValue();
        boolean ok = switch (d.type()) {
            case "int" -> whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "long", "ms", "s" -> whole(v, Long.MIN_VALUE, Long.MAX_VALUE);
            case "flag" -> v.equals("true") || v.equals("false");
            case "one-of" -> !d.values().isEmpty() && d.values().contains(v);
            default -> true;
        };
        if (!ok) {
            throw new IllegalArgumentException(d.key() + ": default '" + v + "' is not a value of type " + d.type()
                    + (d.type().equals("one-of") ? " " + d.values() : ""));
        }
        if ((d.min() != null || d.max() != null) && !List.of("int", "long", "ms", "s").contains(d.type())) {
            throw new IllegalArgumentException(d.key() + ": min and max are for int, long, ms and s, not " + d.type());
        }
        if ((d.min() != null && Long.parseLong(v) < d.min()) || (d.max() != null && Long.parseLong(v) > d.max())) {
            throw new IllegalArgumentException(d.key() + ": default " + v + " is outside min " + d.min() + ", max "
                    + d.max());
        }
        if (d.env() != null && !d.env().matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException(d.key() + ": env must be an upper-case variable name: " + d.env());
        }
    }

    private static boolean whole(String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            return n >= min && n <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A scalar as text (a YAML 0 or true is written as such), or null when absent. */
    private static String optional(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(field + " must be a single value, got " + v);
        }
        return v == null ? null : String.valueOf(v);
    }

    private static String required(Map<String, Object> m, String field, String what) {
        String v = optional(m, field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + ": " + field + " is required");
        }
        return v;
    }

    private static Long bound(Map<String, Object> s, String name) {
        Object b = s.get(name);
        if (b != null && !(b instanceof Integer || b instanceof Long)) {
            throw new IllegalArgumentException(s.get("key") + ": " + name + " must be a whole number, got " + b);
        }
        return b == null ? null : ((Number) b).longValue();
    }

    /** The handle's name: the key without caravan., the class's prefix and a duration's unit, in upper case. */
    private static String constant(Declared d, String prefix) {
        String rest = prefix != null && d.key().startsWith(prefix) ? d.key().substring(prefix.length())
                : d.key().substring("caravan.".length());
        if (d.type().equals("ms") || d.type().equals("s")) {
            rest = rest.replaceFirst("-(ms|seconds)$", "");
        }
        return rest.replaceAll("[.\\-]", "_").toUpperCase(Locale.ROOT);
    }

    private static String field(Declared d, String name) {
        String javaType = switch (d.type()) {
            case "int" -> "Integer";
            case "long" -> "Long";
            case "ms", "s" -> "Duration";
            case "flag" -> "Boolean";
            case "list" -> "List<String>";
            default -> "String";
        };
        String factory = switch (d.type()) {
            case "int" -> "integer";
            case "long" -> "longInt";
            case "ms" -> "millis";
            case "s" -> "seconds";
            case "one-of" -> "oneOf";
            default -> d.type().equals("flag") ? "flag" : d.type().equals("list") ? "list" : "text";
        };
        String value = switch (d.type()) {
            case "int" -> String.valueOf(Long.parseLong(d.defaultValue()));
            case "flag" -> d.defaultValue();
            case "long", "ms", "s" -> Long.parseLong(d.defaultValue()) + "L";
            default -> literal(d.defaultValue());
        };
        StringBuilder call = new StringBuilder("Setting.").append(factory).append('(').append(literal(d.key()))
                .append(", ").append(value).append(", ").append(literal(d.doc()));
        d.values().forEach(v -> call.append(", ").append(literal(v)));
        call.append(')');
        if (d.min() != null && d.max() != null) {
            call.append(".between(").append(d.min()).append("L, ").append(d.max()).append("L)");
        } else if (d.min() != null) {
            call.append(".atLeast(").append(d.min()).append("L)");
        } else if (d.max() != null) {
            call.append(".atMost(").append(d.max()).append("L)");
        }
        if (d.env() != null) {
            call.append(".env(").append(literal(d.env())).append(')');
        }
        if (d.shown() != null) {
            call.append(".shown(").append(literal(d.shown())).append(')');
        }
        String shown = d.shown() != null ? d.shown() : d.defaultValue().isEmpty() ? "empty" : d.defaultValue();
        String range = d.min() == null && d.max() == null ? ""
                : ", " + (d.min() == null ? "at most " + d.max() : d.max() == null ? "at least " + d.min()
                        : d.min() + " to " + d.max());
        return "\n    /** " + javadoc(d.doc() + "; default " + shown + range) + ". {@code " + d.key() + "}"
                + (d.env() != null ? ", env {@code " + d.env() + "}" : "") + ". */\n"
                + "    public static final Setting<" + javaType + "> " + name + " =\n            " + call + ";\n";
    }

    private static String header(String doc, String... imports) {
        StringBuilder s = new StringBuilder("// Generated by src/build/GenerateSettings.java from the settings "
                + "catalogue (src/main/settings/catalogue.yaml): edit that file, not this one.\npackage ")
                .append(PACKAGE).append(";\n\n");
        for (String i : imports) {
            s.append("import ").append(i).append(";\n");
        }
        return s.append("\n/** ").append(javadoc(doc)).append(" */\n").toString();
    }

    private static String literal(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    private static String javadoc(String s) {
        return s.replace("*/", "*&#47;").replace("@", "&#64;");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " must be a mapping");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(what + " must be a list");
        }
        return (List<Object>) o;
    }
}
