package dev.caravan.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.bson.Document;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A metric declared in a file: its question, its live query (a MongoDB aggregation pipeline over one collection, run
 * by the database) and its batch query (SQL over the lake's views, run by DuckDB). Both must answer the same rows in
 * the same order; the file is re-read when it changes, so a new question needs no rebuild.
 *
 * @param name        kebab-case, its name in the API (and the file's name)
 * @param description what it answers
 * @param collection  the collection the pipeline starts from
 * @param pipeline    the aggregation stages
 * @param sql         the batch query
 * @param source      where it was declared
 */
public record DeclaredMetric(String name, String description, String collection, List<Document> pipeline, String sql,
        String source) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** Reads a declaration; a file that makes no sense is refused with one line naming the file and what is wrong. */
    @SuppressWarnings("unchecked")
    public static DeclaredMetric parse(String yaml, String source) {
        Object loaded;
        try {
            loaded = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": not YAML: " + e.getMessage().replaceAll("\\s+", " "));
        }
        if (!(loaded instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException(source + ": a metric is a map with name, description, live and batch");
        }
        String name = text(top, "name", source);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(source + ": name '" + name + "' must be kebab-case (a-z, 0-9, -)");
        }
        String description = text(top, "description", source);
        if (!(top.get("live") instanceof Map<?, ?> live)) {
            throw new IllegalArgumentException(source + ": live is missing: {collection, pipeline}");
        }
        String collection = text(live, "collection", source);
        if (!(live.get("pipeline") instanceof List<?> stages) || stages.isEmpty()) {
            throw new IllegalArgumentException(source + ": live.pipeline must be a list of aggregation stages");
        }
        List<Document> pipeline = new ArrayList<>();
        for (Object stage : stages) {
            if (!(stage instanceof Map<?, ?> m) || m.size() != 1
                    || !String.valueOf(m.keySet().iterator().next()).startsWith("$")) {
                throw new IllegalArgumentException(source + ": each live.pipeline stage is one $operator: " + stage);
            }
            pipeline.add(new Document((Map<String, Object>) document(m)));
        }
        if (!(top.get("batch") instanceof Map<?, ?> batch)) {
            throw new IllegalArgumentException(source + ": batch is missing: {sql}");
        }
        String sql = text(batch, "sql", source).strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        return new DeclaredMetric(name, description, collection, List.copyOf(pipeline), sql, source);
    }

    private static String text(Map<?, ?> map, String key, String source) {
        Object v = map.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(source + ": " + key + " is missing or empty");
        }
        return s;
    }

    /** YAML maps as BSON documents, all the way down. */
    private static Object document(Object value) {
        if (value instanceof Map<?, ?> m) {
            Document d = new Document();
            m.forEach((k, v) -> d.append(String.valueOf(k), document(v)));
            return d;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(DeclaredMetric::document).toList();
        }
        return value;
    }
}
