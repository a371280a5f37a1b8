package dev.caravan.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * JSON records into Avro records of a given schema and back into JSON-compatible maps.
 *
 * <p>JSON to Avro: a union's branch is chosen by the kind of the JSON value, then by the union's order among the
 * branches that kind fits: null to null; true/false to boolean; an integer to int (when it fits) or long, else to
 * double or float (JSON Schema's "number" takes integers too); a number written with a fraction or exponent to double
 * or float, else, when whole (1.0, 1e2, which JSON Schema counts as integers), to int or long; text to string, else an
 * enum having that symbol, else bytes or fixed as base64; an object to the first record branch it fits, else a map; an
 * array to an array. Values are never coerced across kinds ("12" stays text and does not
 * fit a long), since records stay raw until cleaning. A field missing from the JSON takes its Avro default, and is an
 * error when it has none. JSON fields the schema does not have are dropped or rejected, as chosen.
 *
 * <p>Avro to JSON: strings as String, bytes and fixed as base64 text, enums as their symbol, records and maps as
 * LinkedHashMap in schema order, arrays as List; every field of the schema appears, null when null.
 */
public final class JsonAvro {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final JsonAvro IGNORING = new JsonAvro(false);
    private static final JsonAvro REJECTING = new JsonAvro(true);

    private final boolean rejectUnknownFields;

    private JsonAvro(boolean rejectUnknownFields) {
        this.rejectUnknownFields = rejectUnknownFields;
    }

    /** Drops JSON fields the schema does not know, as Avro's own schema resolution drops unknown writer fields. */
    public static JsonAvro ignoringUnknownFields() {
        return IGNORING;
    }

    /** Refuses JSON fields the schema does not know, naming the first: for sources that must match exactly. */
    public static JsonAvro rejectingUnknownFields() {
        return REJECTING;
    }

    /** A JSON object as a record of the schema (a record schema). */
    public GenericRecord toRecord(JsonNode json, Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("a record schema is needed, not " + ReaderWriterCheck.type(schema));
        }
        if (json == null || !json.isObject()) {
            throw new JsonAvroException("$", describe(json) + " is not an object, so not a " + schema.getFullName());
        }
        return record(json, schema, "$");
    }

    /** A map as parsed from JSON (String, Number, Boolean, Map, List, null) as a record of the schema. */
    public GenericRecord toRecord(Map<String, ?> json, Schema schema) {
        return toRecord(json == null ? null : (JsonNode) JSON.valueToTree(json), schema);
    }

    private GenericRecord record(JsonNode json, Schema schema, String path) {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = json.get(field.name());
            String at = child(path, field.name());
            if (value != null) {
                record.put(field.pos(), value(value, field.schema(), at));
            } else if (field.hasDefaultValue()) {
                // a copy: a default array or map must not be shared between records
                record.put(field.pos(), GenericData.get().deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
            } else {
                throw new JsonAvroException(at, "is missing and has no default in " + schema.getFullName());
            }
        }
        if (rejectUnknownFields) {
            for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (schema.getField(name) == null) {
                    throw new JsonAvroException(child(path, name), "is not a field of " + schema.getFullName());
                }
            }
        }
        return record;
    }

    private Object value(JsonNode node, Schema schema, String path) {
        List<Schema> branches = schema.getType() == Schema.Type.UNION ? schema.getTypes() : List.of(schema);
        if (node.isNull()) {
            if (has(branches, Schema.Type.NULL) != null) {
                return null;
            }
        } else if (node.isBoolean()) {
            if (has(branches, Schema.Type.BOOLEAN) != null) {
                return node.booleanValue();
            }
        } else if (node.isIntegralNumber()) {
            Object number = integral(node.bigIntegerValue(), branches);
            number = number != null ? number : real(node, branches);
            if (number != null) {
                return number;
            }
        } else if (node.isNumber()) {
            Object number = real(node, branches);
            BigInteger whole = number == null ? whole(node.decimalValue()) : null;
            number = whole != null ? integral(whole, branches) : number;
            if (number != null) {
                return number;
            }
        } else if (node.isTextual()) {
            Object text = text(node.textValue(), branches);
            if (text != null) {
                return text;
            }
        } else if (node.isObject()) {
            return object(node, schema, branches, path);
        } else if (node.isArray()) {
            Schema array = has(branches, Schema.Type.ARRAY);
            if (array != null) {
                List<Object> items = new GenericData.Array<>(node.size(), array);
                for (int i = 0; i < node.size(); i++) {
                    items.add(value(node.get(i), array.getElementType(), path + "[" + i + "]"));
                }
                return items;
            }
        }
        throw misfit(node, schema, path);
    }

    private static Object integral(BigInteger value, List<Schema> branches) {
        for (Schema b : branches) {
            if (b.getType() == Schema.Type.INT && value.bitLength() < Integer.SIZE) {
                return value.intValue();
            }
            if (b.getType() == Schema.Type.LONG && value.bitLength() < Long.SIZE) {
                return value.longValue();
            }
        }
        return null;
    }

    /** The value of 1.0 or 1e2 as an integer (JSON Schema counts them integers), null when it has a fraction. */
    private static BigInteger whole(BigDecimal value) {
        try {
            return value.toBigIntegerExact();
        } catch (ArithmeticException fraction) {
            return null;
        }
    }

    private static Object real(JsonNode node, List<Schema> branches) {
        for (Schema b : branches) {
            if (b.getType() == Schema.Type.DOUBLE) {
                return node.doubleValue();
            }
            if (b.getType() == Schema.Type.FLOAT) {
                return node.floatValue();
            }
        }
        return null;
    }

    private static Object text(String text, List<Schema> branches) {
        if (has(branches, Schema.Type.STRING) != null) {
            return text;
        }
        for (Schema b : branches) {
            if (b.getType() == Schema.Type.ENUM && b.hasEnumSymbol(text)) {
                return new GenericData.EnumSymbol(b, text);
            }
        }
        for (Schema b : branches) {
            if (b.getType() == Schema.Type.BYTES || b.getType() == Schema.Type.FIXED) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException notBase64) {
                    continue;
                }
                if (b.getType() == Schema.Type.BYTES) {
                    return ByteBuffer.wrap(bytes);
                }
                if (bytes.length == b.getFixedSize()) {
                    return new GenericData.Fixed(b, bytes);
                }
            }
        }
        return null;
    }

    private Object object(JsonNode node, Schema schema, List<Schema> branches, String path) {
        List<Schema> records = branches.stream().filter(b -> b.getType() == Schema.Type.RECORD).toList();
        JsonAvroException first = null;
        for (Schema r : records) {
            try {
                return record(node, r, path);
            } catch (JsonAvroException e) {
                first = first == null ? e : first;
            }
        }
        Schema map = has(branches, Schema.Type.MAP);
        if (map != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), value(e.getValue(), map.getValueType(), child(path, e.getKey())));
            }
            return out;
        }
        // one record to fit: its own error says where inside it the object went wrong
        if (records.size() == 1) {
            throw first;
        }
        if (first != null) {
            throw new JsonAvroException(path, "the object fits none of " + ReaderWriterCheck.type(schema) + " (first: "
                    + first.getMessage() + ")");
        }
        throw misfit(node, schema, path);
    }

    private static Schema has(List<Schema> branches, Schema.Type type) {
        for (Schema b : branches) {
            if (b.getType() == type) {
                return b;
            }
        }
        return null;
    }

    private static JsonAvroException misfit(JsonNode node, Schema schema, String path) {
        return new JsonAvroException(path, describe(node) + (schema.getType() == Schema.Type.UNION
                ? " fits none of the branches " : " does not fit ") + ReaderWriterCheck.type(schema));
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isBoolean()) {
            return "boolean " + node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return "integer " + node.asText();
        }
        if (node.isNumber()) {
            return "number " + node.asText();
        }
        if (node.isTextual()) {
            String t = node.textValue();
            return "string \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
        }
        return node.isArray() ? "an array" : "an object";
    }

    private static String child(String path, String name) {
        return PLAIN_NAME.matcher(name).matches() ? path + "." + name
                : path + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    // --- Avro to JSON

    /** A record as a JSON-compatible map: every field of its schema, in schema order. */
    public static Map<String, Object> toMap(GenericRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            out.put(f.name(), plain(record.get(f.pos())));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Number) {
            return v;
        }
        if (v instanceof CharSequence || v instanceof GenericEnumSymbol<?>) {
            return v.toString();
        }
        if (v instanceof GenericRecord r) {
            return toMap(r);
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer copy = b.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof GenericFixed f) {
            return Base64.getEncoder().encodeToString(f.bytes());
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, value) -> out.put(k.toString(), plain(value)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(i -> out.add(plain(i)));
            return out;
        }
        throw new IllegalArgumentException("no JSON form for a " + v.getClass().getName());
    }
}
