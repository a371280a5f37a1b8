package dev.caravan.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One record type, end to end, as its flow file declares it (an instance of the {@code flow} route template): where
 * its records come from, how they are cleaned, and how the MongoDB and lake sinks store them. Built from the
 * template's parameters, validated and compiled once per (re)load.
 *
 * @param name        the record type; also the stream's name on the ingest API and the route id flow-NAME
 * @param topic       the Kafka topic its records travel on
 * @param key         the record field that is the Kafka key on ingest (empty: a random UUID per record)
 * @param schema      the JSON Schema ingest validates against (empty: not posted over the ingest API)
 * @param format      json or avro on the wire
 * @param mongo       how MongoDB stores it (null: not stored in MongoDB)
 * @param join        the joined collection it adds a part to (null: none)
 * @param lake        how the lake stores it (null: not in the lake)
 * @param compaction  daily, weekly or none
 * @param rules       its cleaning, compiled
 * @param source      the file that declares it
 */
public record Flow(String name, String description, String topic, String key, String schema, String format,
        Mongo mongo, Join join, Lake lake, String compaction, Rules rules, String source) {

    /** MongoDB: collection, business key fields, replace or merge, the field that must grow, extra indexes. */
    public record Mongo(String collection, List<String> key, String mode, String newerField, List<Index> indexes) {
    }

    /** An index beyond the unique business key: 2dsphere on a GeoJSON field, or a TTL on a date field. */
    public record Index(String kind, String field, long expireAfterSeconds) {
    }

    /** This flow's records also set field {@code as} of the document keyed by {@code on} in collection {@code into}. */
    public record Join(String into, String on, String as) {
    }

    /** The lake: zones written (raw, clean), file format, and the field giving event time (empty: Kafka's time). */
    public record Lake(List<String> zones, String format, String eventTime) {

        public boolean raw() {
            return zones.contains("raw");
        }

        public boolean clean() {
            return zones.contains("clean");
        }
    }

    /**
     * A parameter that makes no sense: which one, and for the cleaning steps which step (from 1; 0 for none), so the
     * problem can be pointed at in the file.
     */
    public static final class Problem extends IllegalArgumentException {
        private final String parameter;
        private final int step;

        Problem(String parameter, int step, String message) {
            super(message);
            this.parameter = parameter;
            this.step = step;
        }

        public String parameter() {
            return parameter;
        }

        public int step() {
            return step;
        }
    }

    /** The flow its template's parameters declare; a parameter that makes no sense fails, naming it. */
    public static Flow of(Map<String, String> p, String source) {
        try {
            return parse(p, source);
        } catch (Problem e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new Problem(null, 0, e.getMessage());
        }
    }

    private static Flow parse(Map<String, String> p, String source) {
        String name = required(p, "name");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new Problem("name", 0, "name '" + name + "' must be lower case letters, digits and dashes");
        }
        String format = p.getOrDefault("format", "json").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("avro")) {
            throw new Problem("format", 0, "format must be json or avro, got '" + format + "'");
        }
        Mongo mongo = null;
        String collection = p.getOrDefault("collection", "").trim();
        if (!collection.isEmpty()) {
            String mode = p.getOrDefault("mode", "replace").trim().toLowerCase(Locale.ROOT);
            if (!mode.equals("replace") && !mode.equals("merge")) {
                throw new Problem("mode", 0, "mode must be replace or merge, got '" + mode + "'");
            }
            List<String> businessKey = list(required(p, "businessKey"));
            List<Index> indexes;
            try {
                indexes = indexes(p.getOrDefault("indexes", ""));
            } catch (IllegalArgumentException e) {
                throw new Problem("indexes", 0, e.getMessage());
            }
            mongo = new Mongo(collection, businessKey, mode, blankToNull(p.get("newerField")), indexes);
        }
        Join join = null;
        String into = p.getOrDefault("joinInto", "").trim();
        if (!into.isEmpty()) {
            join = new Join(into, required(p, "joinOn"), required(p, "joinAs"));
        }
        Lake lake = null;
        List<String> zones = list(p.getOrDefault("lake", "raw,clean"));
        if (!zones.isEmpty()) {
            for (String z : zones) {
                if (!z.equals("raw") && !z.equals("clean")) {
                    throw new Problem("lake", 0, "lake zones are raw and clean, got '" + z + "'");
                }
            }
            String lakeFormat = p.getOrDefault("lakeFormat", "ndjson.gz").trim();
            if (!List.of("ndjson.gz", "avro", "parquet").contains(lakeFormat)) {
                throw new Problem("lakeFormat", 0, "lakeFormat must be ndjson.gz, avro or parquet, got '" + lakeFormat
                        + "'");
            }
            lake = new Lake(zones, lakeFormat, p.getOrDefault("eventTime", "").trim());
        }
        String compaction = p.getOrDefault("compaction", "daily").trim();
        if (!List.of("daily", "weekly", "none").contains(compaction)) {
            throw new Problem("compaction", 0, "compaction must be daily, weekly or none, got '" + compaction + "'");
        }
        Rules rules;
        try {
            rules = Rules.compile(p.getOrDefault("clean", ""));
        } catch (Rules.StepProblem e) {
            throw new Problem("clean", e.step(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Problem("clean", 0, e.getMessage());
        }
        return new Flow(name, p.getOrDefault("description", "").trim(), required(p, "topic"),
                blankToNull(p.get("key")), blankToNull(p.get("schema")), format, mongo, join, lake, compaction, rules,
                source);
    }

    /** "2dsphere:coordinates, ttl:created_at:86400". */
    static List<Index> indexes(String spec) {
        List<Index> out = new ArrayList<>();
        for (String item : list(spec)) {
            String[] parts = item.split(":");
            switch (parts[0]) {
                case "2dsphere" -> {
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("index '" + item + "': write 2dsphere:FIELD");
                    }
                    out.add(new Index("2dsphere", parts[1], 0));
                }
                case "ttl" -> {
                    if (parts.length != 3 || !parts[2].matches("[0-9]+")) {
                        throw new IllegalArgumentException("index '" + item + "': write ttl:FIELD:SECONDS");
                    }
                    out.add(new Index("ttl", parts[1], Long.parseLong(parts[2])));
                }
                default -> throw new IllegalArgumentException("index '" + item + "': the kinds are 2dsphere and ttl "
                        + "(the business key's unique index is always made)");
            }
        }
        return out;
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            throw new Problem(name, 0, "the parameter '" + name + "' is required");
        }
        return v.trim();
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}
