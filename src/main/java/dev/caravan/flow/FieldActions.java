package dev.caravan.flow;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.bson.Document;

/**
 * The catalogue of cleaning steps a flow declares, in the style of the Kamelet catalogue's field actions: each action
 * takes parameters and compiles, once per (re)load, into a {@link Rule} that changes a record in place. A new kind of
 * operation is added here, once, with its unit test; a new record type only combines them in its flow file.
 */
final class FieldActions {

    /** One compiled step: reads and changes the record; the record's place and key are there for the steps that use them. */
    @FunctionalInterface
    interface Rule {
        void apply(Document record, Rules.Meta meta);
    }

    private static final Map<String, Function<Args, Rule>> CATALOGUE = new LinkedHashMap<>();

    static {
        CATALOGUE.put("select", FieldActions::select);
        CATALOGUE.put("rename", FieldActions::rename);
        CATALOGUE.put("drop", a -> {
            List<String> fields = a.fields();
            return (r, meta) -> fields.forEach(r::remove);
        });
        CATALOGUE.put("null-if", FieldActions::nullIf);
        CATALOGUE.put("number", a -> each(a, (v, f) -> Values.number(v)));
        CATALOGUE.put("integer", a -> each(a, (v, f) -> v == null ? null : Values.integer(v, f)));
        CATALOGUE.put("decimal", a -> each(a, (v, f) -> v == null ? null : Values.decimal(v, f)));
        CATALOGUE.put("count", a -> {
            FollowerCountParser counts = new FollowerCountParser();
            return each(a, (v, f) -> counts.parse(v));
        });
        CATALOGUE.put("boolean", a -> each(a, FieldActions::bool));
        CATALOGUE.put("text", a -> each(a, (v, f) -> v == null ? null : v.toString()));
        CATALOGUE.put("date", FieldActions::date);
        CATALOGUE.put("point", FieldActions::point);
        CATALOGUE.put("concat", FieldActions::concat);
        CATALOGUE.put("after", FieldActions::after);
        CATALOGUE.put("substring", FieldActions::substring);
        CATALOGUE.put("slug", FieldActions::slug);
        CATALOGUE.put("template", FieldActions::template);
        CATALOGUE.put("coalesce", FieldActions::coalesce);
        CATALOGUE.put("require", FieldActions::require);
        CATALOGUE.put("id", FieldActions::id);
        CATALOGUE.put("source", FieldActions::source);
    }

    private FieldActions() {
    }

    static Set<String> names() {
        return CATALOGUE.keySet();
    }

    static Rule compile(String action, Object parameters, Map<String, String> placeholders) {
        Function<Args, Rule> factory = CATALOGUE.get(action);
        if (factory == null) {
            throw new IllegalArgumentException("unknown cleaning step '" + action + "'; the steps are "
                    + String.join(", ", CATALOGUE.keySet()));
        }
        try {
            return factory.apply(new Args(action, parameters, placeholders));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("cleaning step '" + action + "' has parameters of the wrong shape: "
                    + parameters);
        }
    }

    /** A step's parameters: a field, a list of fields, "*", or a map, as the YAML gives them. */
    record Args(String action, Object raw, Map<String, String> placeholders) {

        boolean all() {
            return "*".equals(raw) || raw instanceof Map<?, ?> m && "*".equals(m.get("fields"));
        }

        List<String> fields() {
            Object f = raw instanceof Map<?, ?> m && m.containsKey("fields") ? m.get("fields") : raw;
            if (f instanceof String s) {
                return List.of(s);
            }
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) f) {
                out.add(o.toString());
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            if (!(raw instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("cleaning step '" + action + "' takes a map, got " + raw);
            }
            return (Map<String, Object>) raw;
        }

        String string(String key, String fallback) {
            Object v = map().get(key);
            return v == null ? fallback : resolve(v.toString());
        }

        String required(String key) {
            String v = string(key, null);
            if (v == null) {
                throw new IllegalArgumentException("cleaning step '" + action + "' needs '" + key + "'");
            }
            return v;
        }

        List<String> except() {
            Object e = raw instanceof Map<?, ?> m ? m.get("except") : null;
            return e == null ? List.of() : new Args(action, e, placeholders).fields();
        }

        private String resolve(String value) {
            return placeholders.getOrDefault(value, value);
        }
    }

    private interface Change {
        Object apply(Object value, String field);
    }

    /** The change to the listed fields that are present, or to every field but the excepted ones for "*". */
    private static Rule each(Args a, Change change) {
        if (a.all()) {
            Set<String> except = Set.copyOf(a.except());
            return (r, meta) -> {
                for (Map.Entry<String, Object> e : r.entrySet()) {
                    if (!except.contains(e.getKey())) {
                        e.setValue(change.apply(e.getValue(), e.getKey()));
                    }
                }
            };
        }
        List<String> fields = a.fields();
        return (r, meta) -> {
            for (String f : fields) {
                if (r.containsKey(f)) {
                    r.put(f, change.apply(r.get(f), f));
                }
            }
        };
    }

    /** select: {to: from.path, ...}: the record becomes these fields, in this order, from dotted paths. */
    private static Rule select(Args a) {
        Map<String, String[]> paths = new LinkedHashMap<>();
        a.map().forEach((to, from) -> paths.put(to, from.toString().split("\\.")));
        return (r, meta) -> {
            Map<String, Object> source = new LinkedHashMap<>(r);
            r.clear();
            paths.forEach((to, path) -> r.put(to, at(source, path, to)));
        };
    }

    private static Object at(Map<String, Object> record, String[] path, String target) {
        Object v = record;
        for (String part : path) {
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new CleaningException(String.join(".", path) + " (for " + target + ") must be inside an object, got "
                        + Values.describe(v));
            }
            v = m.get(part);
        }
        return v;
    }

    /** rename: {from: to}. A record that already has the new name with another value is refused, never rewritten. */
    private static Rule rename(Args a) {
        Map<String, Object> pairs = a.map();
        return (r, meta) -> pairs.forEach((from, toName) -> {
            String to = toName.toString();
            if (!r.containsKey(from)) {
                if (r.get(to) != null) {
                    throw new CleaningException(to + " comes from " + from + " alone, and the record has no " + from);
                }
                return;
            }
            Object value = r.remove(from);
            Object there = r.get(to);
            if (there != null && !sameValue(there, value)) {
                throw new CleaningException(to + " " + Values.describe(there) + " disagrees with " + from + " "
                        + Values.describe(value) + ": " + to + " comes from " + from + " alone");
            }
            r.put(to, value);
        });
    }

    private static boolean sameValue(Object a, Object b) {
        Object x = Values.number(a);
        Object y = Values.number(b);
        if (x instanceof Number n && y instanceof Number m) {
            return n.doubleValue() == m.doubleValue();
        }
        return java.util.Objects.equals(x, y);
    }

    /** null-if: {values: "a|b" or [a, b], blank: true, fields: "*" or [...]}: placeholder texts become null. */
    private static Rule nullIf(Args a) {
        Map<String, Object> m = a.map();
        Object values = m.get("values");
        Set<String> texts = new java.util.HashSet<>();
        if (values instanceof List<?> l) {
            l.forEach(v -> texts.add(v.toString()));
        } else if (values != null) {
            for (String v : a.resolve(values.toString()).split("\\|")) {
                texts.add(v.trim());
            }
        }
        boolean blank = !Boolean.FALSE.equals(m.get("blank"));
        Args targets = new Args(a.action(), m.getOrDefault("fields", "*"), a.placeholders());
        return each(targets, (v, f) -> v instanceof String s && ((blank && s.isBlank()) || texts.contains(s.trim()))
                ? null : v);
    }

    private static Object bool(Object value, String field) {
        Object v = Values.number(value);
        if (v == null || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("yes")) {
            return true;
        }
        if (s.equals("false") || s.equals("no")) {
            return false;
        }
        throw new CleaningException(field + " must be 0 or 1, got " + Values.describe(value));
    }

    /** date: [fields] or {fields: [...], format: pattern}: text to a date (UTC unless it says otherwise). */
    private static Rule date(Args a) {
        String pattern = a.raw() instanceof Map<?, ?> ? a.string("format", null) : null;
        DateTimeFormatter format = pattern == null ? null : DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
        return each(a, (v, f) -> v == null ? null : Values.date(v, f, format));
    }

    /** point: {to, longitude, latitude, drop: true, required: false}: a GeoJSON Point; without both, none (or refused). */
    private static Rule point(Args a) {
        String to = a.required("to");
        String lon = a.required("longitude");
        String lat = a.required("latitude");
        boolean drop = !Boolean.FALSE.equals(a.map().get("drop"));
        boolean required = Boolean.TRUE.equals(a.map().get("required"));
        return (r, meta) -> {
            Object x = r.get(lon);
            Object y = r.get(lat);
            if (drop) {
                r.remove(lon);
                r.remove(lat);
            }
            if ((x == null || y == null) && !required) {
                return;
            }
            double longitude = Values.decimal(x, lon);
            double latitude = Values.decimal(y, lat);
            if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
                throw new CleaningException("latitude/longitude out of range: " + latitude + ", " + longitude);
            }
            r.put(to, new Document("type", "Point").append("coordinates", List.of(longitude, latitude)));
        };
    }

    /** concat: {to, fields, separator: " ", drop: false}: the texts present, trimmed and joined; none is null. */
    private static Rule concat(Args a) {
        String to = a.required("to");
        List<String> fields = new Args(a.action(), a.map().get("fields"), a.placeholders()).fields();
        String separator = a.string("separator", " ");
        boolean drop = Boolean.TRUE.equals(a.map().get("drop"));
        return (r, meta) -> {
            StringBuilder out = new StringBuilder();
            for (String f : fields) {
                Object v = r.get(f);
                String s = v == null ? "" : v.toString().trim();
                if (!s.isEmpty()) {
                    out.append(out.length() == 0 ? "" : separator).append(s);
                }
                if (drop) {
                    r.remove(f);
                }
            }
            r.put(to, out.length() == 0 ? null : out.toString());
        };
    }

    /** after: {field, marker}: the text from the marker on ("Local save in /data/x" -> "/data/x"). */
    private static Rule after(Args a) {
        String field = a.required("field");
        String marker = a.required("marker");
        return (r, meta) -> {
            Object v = r.get(field);
            if (v == null) {
                return;
            }
            String s = v.toString().trim();
            int at = s.indexOf(marker);
            r.put(field, at < 0 ? (s.isEmpty() ? null : s) : s.substring(at));
        };
    }

    /** substring: {field, from, to}: characters [from, to) of the text ("2024-08-16" 0..4 -> "2024"). */
    private static Rule substring(Args a) {
        String field = a.required("field");
        int from = Integer.parseInt(a.string("from", "0"));
        Integer to = a.map().get("to") == null ? null : Integer.parseInt(a.string("to", "0"));
        return (r, meta) -> {
            Object v = r.get(field);
            if (v == null) {
                return;
            }
            String s = v.toString();
            r.put(field, s.substring(Math.min(from, s.length()), to == null ? s.length() : Math.min(to, s.length())));
        };
    }

    /** slug: {to, from}: a lower-case, dash-separated name, only when the record has none of its own. */
    private static Rule slug(Args a) {
        String to = a.required("to");
        String from = a.required("from");
        return (r, meta) -> {
            if (r.get(to) == null && r.get(from) instanceof String s) {
                r.put(to, s.toLowerCase(Locale.ROOT).trim().replaceAll("[^a-z0-9]+", "-"));
            }
        };
    }

    /** template: {to, value: "{a}|{b}", case: lower, when: [a]}: text made of fields; skipped when a `when` is missing. */
    private static Rule template(Args a) {
        String to = a.required("to");
        String value = a.required("value");
        boolean lower = "lower".equals(a.string("case", ""));
        List<String> when = a.map().get("when") == null ? List.of()
                : new Args(a.action(), a.map().get("when"), a.placeholders()).fields();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(value);
        List<Object> parts = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            parts.add(value.substring(last, m.start()));
            parts.add(new String[] {m.group(1)});
            last = m.end();
        }
        parts.add(value.substring(last));
        return (r, meta) -> {
            for (String w : when) {
                if (r.get(w) == null) {
                    return;
                }
            }
            StringBuilder out = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof String[] f) {
                    Object v = r.get(f[0]);
                    out.append(v == null ? "" : v);
                } else {
                    out.append(p);
                }
            }
            r.put(to, lower ? out.toString().toLowerCase(Locale.ROOT) : out.toString());
        };
    }

    /** coalesce: {to, fields}: the first of the fields that has a value. */
    private static Rule coalesce(Args a) {
        String to = a.required("to");
        List<String> fields = new Args(a.action(), a.map().get("fields"), a.placeholders()).fields();
        return (r, meta) -> {
            for (String f : fields) {
                Object v = r.get(f);
                if (v != null) {
                    r.put(to, v);
                    return;
                }
            }
            r.put(to, null);
        };
    }

    /** id: key: the document's _id is the record's Kafka key, else its place (topic-partition-offset). */
    private static Rule id(Args a) {
        if (!"key".equals(a.raw())) {
            throw new IllegalArgumentException("id takes 'key': the _id comes from the record's key, never its fields");
        }
        return (r, meta) -> {
            r.remove("_id");
            Document withId = new Document("_id", meta.key() != null ? meta.key()
                    : meta.topic() + "-" + meta.partition() + "-" + meta.offset());
            withId.putAll(r);
            r.clear();
            r.putAll(withId);
        };
    }

    /** source: NAME: where the record came from, {topic, partition, offset}, under NAME. */
    private static Rule source(Args a) {
        String to = a.raw() == null ? "_source" : a.raw().toString();
        return (r, meta) -> r.put(to, new Document("topic", meta.topic()).append("partition", meta.partition())
                .append("offset", meta.offset()));
    }

    /** require: [fields]: a record without a value for each is refused. */
    private static Rule require(Args a) {
        List<String> fields = a.fields();
        return (r, meta) -> {
            for (String f : fields) {
                Object v = r.get(f);
                if (v == null || v instanceof String s && s.isBlank()) {
                    throw new CleaningException(f + " is missing or empty, so the record has no key");
                }
            }
        };
    }
}
