package dev.caravan.sink.lake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The clean zone's rows typed for Avro and Parquet files, and back: a schema is derived from the rows themselves,
 * each field nullable and typed by what its values are (long, double, boolean, string, timestamp, nested record,
 * array); a field whose values disagree in kind is kept as its JSON text. Field names keep their source name.
 */
final class RowTypes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RowTypes() {
    }

    private enum Kind { BOOLEAN, LONG, DOUBLE, STRING, TIMESTAMP, RECORD, ARRAY }

    private static Schema recordSchema(String name, String namespace, List<Map<String, Object>> rows) {
        Map<String, Set<Kind>> kinds = new LinkedHashMap<>();
        Map<String, List<Object>> values = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            for (Map.Entry<String, Object> e : row.entrySet()) {
                kinds.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
                values.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                if (e.getValue() != null) {
                    kinds.get(e.getKey()).add(kind(e.getValue()));
                    values.get(e.getKey()).add(e.getValue());
                }
            }
        }
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(name).namespace(namespace).fields();
        Set<String> used = new LinkedHashSet<>();
        for (Map.Entry<String, Set<Kind>> f : kinds.entrySet()) {
            String field = uniqueName(f.getKey(), used);
            Schema type = fieldType(name + "_" + field, namespace, f.getValue(), values.get(f.getKey()));
            fields = fields.name(field).prop("caravan.source", f.getKey()).type(
                    Schema.createUnion(Schema.create(Schema.Type.NULL), type)).withDefault(null);
        }
        return fields.endRecord();
    }

    @SuppressWarnings("unchecked")
    private static Schema fieldType(String name, String namespace, Set<Kind> kinds, List<Object> values) {
        if (kinds.isEmpty()) {
            return Schema.create(Schema.Type.STRING);
        }
        if (kinds.size() == 1 || kinds.equals(Set.of(Kind.LONG, Kind.DOUBLE))) {
            Kind k = kinds.contains(Kind.DOUBLE) ? Kind.DOUBLE : kinds.iterator().next();
            return switch (k) {
                case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
                case LONG -> Schema.create(Schema.Type.LONG);
                case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
                case STRING -> Schema.create(Schema.Type.STRING);
                case TIMESTAMP -> org.apache.avro.LogicalTypes.timestampMillis()
                        .addToSchema(Schema.create(Schema.Type.LONG));
                case RECORD -> recordSchema(name, namespace, values.stream().map(v -> (Map<String, Object>) v).toList());
                case ARRAY -> {
                    Set<Kind> itemKinds = new LinkedHashSet<>();
                    List<Object> items = new ArrayList<>();
                    for (Object v : values) {
                        for (Object i : (List<Object>) v) {
                            if (i != null) {
                                itemKinds.add(kind(i));
                                items.add(i);
                            }
                        }
                    }
                    Schema item = fieldType(name + "_item", namespace, itemKinds, items);
                    yield Schema.createArray(Schema.createUnion(Schema.create(Schema.Type.NULL), item));
                }
            };
        }
        return Schema.create(Schema.Type.STRING); // values of different kinds: their JSON text
    }

    private static Kind kind(Object v) {
        if (v instanceof java.util.Date || v instanceof java.time.Instant) {
            return Kind.TIMESTAMP;
        }
        if (v instanceof Boolean) {
            return Kind.BOOLEAN;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof java.math.BigInteger) {
            return Kind.LONG;
        }
        if (v instanceof Number) {
            return Kind.DOUBLE;
        }
        if (v instanceof Map<?, ?>) {
            return Kind.RECORD;
        }
        if (v instanceof List<?>) {
            return Kind.ARRAY;
        }
        return Kind.STRING;
    }

    private static String uniqueName(String source, Set<String> used) {
        String n = source.replaceAll("[^A-Za-z0-9_]", "_");
        if (n.isEmpty() || !(Character.isLetter(n.charAt(0)) || n.charAt(0) == '_')) {
            n = "_" + n;
        }
        String candidate = n;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = n + "_" + i;
        }
        return candidate;
    }

    static String name(String topic) {
        String n = topic.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isLetter(n.charAt(0)) ? n : "_" + n;
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        Schema s = schema.getType() == Schema.Type.UNION ? schema.getTypes().get(1) : schema;
        return switch (s.getType()) {
            case RECORD -> {
                GenericRecord r = new GenericData.Record(s);
                Map<String, Object> map = (Map<String, Object>) value;
                for (Schema.Field f : s.getFields()) {
                    r.put(f.pos(), convert(f.schema(), map.get(f.getProp("caravan.source"))));
                }
                yield r;
            }
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object i : (List<Object>) value) {
                    out.add(convert(s.getElementType(), i));
                }
                yield out;
            }
            case LONG -> value instanceof java.util.Date d ? d.getTime()
                    : value instanceof java.time.Instant i ? i.toEpochMilli() : ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case BOOLEAN -> value;
            default -> value instanceof String str ? str : json(value);
        };
    }

    /**
     * A record back into the map it was written from (source field names, JSON text kept as text, timestamps as
     * ISO-8601 text as the NDJSON clean zone has them).
     */
    static Map<String, Object> toMap(GenericRecord record) {
        return toMap(record, false);
    }

    /** The same, timestamps as dates (to be written again as timestamps). */
    static Map<String, Object> toTypedMap(GenericRecord record) {
        return toMap(record, true);
    }

    private static Map<String, Object> toMap(GenericRecord record, boolean dates) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            String source = f.getProp("caravan.source");
            out.put(source == null ? f.name() : source, plain(f.schema(), record.get(f.pos()), dates));
        }
        return out;
    }

    private static Object plain(Schema schema, Object v, boolean dates) {
        Schema s = schema.getType() == Schema.Type.UNION ? schema.getTypes().stream()
                .filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(schema) : schema;
        if (v instanceof GenericRecord r) {
            return toMap(r, dates);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(i -> out.add(plain(s.getType() == Schema.Type.ARRAY ? s.getElementType() : s, i, dates)));
            return out;
        }
        if (v instanceof CharSequence cs) {
            return cs.toString();
        }
        if (v instanceof Long millis && s.getLogicalType() instanceof org.apache.avro.LogicalTypes.TimestampMillis) {
            java.time.Instant at = java.time.Instant.ofEpochMilli(millis);
            return dates ? java.util.Date.from(at) : at.toString();
        }
        return v;
    }

    /** Rows as records of the schema derived from them, ready for a Parquet writer. */
    static Typed typed(String recordName, List<Map<String, Object>> rows) {
        Schema schema = recordSchema(recordName, "dev.caravan.lake", rows);
        List<GenericRecord> records = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            records.add((GenericRecord) convert(schema, row));
        }
        return new Typed(schema, records);
    }

    /** A schema derived from rows, and the rows as its records. */
    record Typed(Schema schema, List<GenericRecord> records) {
    }


    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
