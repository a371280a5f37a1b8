package dev.caravan.sink.lake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.schema.ConfluentWire;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro Object Container Files of the lake (schema embedded, deflate or snappy). The raw zone has one fixed envelope
 * schema; the clean zone's schema is derived from the file's own records when the file is closed: each field is
 * nullable and typed by what its values are (long, double, boolean, string, nested record, array), a field whose
 * values disagree in kind is kept as its JSON text.
 */
final class AvroFiles {

    static final String FORMAT = "avro";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Schema RAW = SchemaBuilder.record("LakeRawRecord").namespace("dev.caravan.lake")
            .doc("A Kafka record as received, with its coordinates").fields()
            .requiredString("topic")
            .requiredInt("partition")
            .requiredLong("offset")
            .name("timestamp").type(SchemaBuilder.builder().longBuilder().prop("logicalType", "timestamp-millis")
                    .endLong()).noDefault()
            .optionalString("key")
            .optionalBytes("value")
            .endRecord();

    private AvroFiles() {
    }

    static CodecFactory codec(String name) {
        return switch (name) {
            case "snappy" -> CodecFactory.snappyCodec();
            case "null", "none" -> CodecFactory.nullCodec();
            default -> CodecFactory.deflateCodec(6);
        };
    }

    /** A raw-zone container file written record by record as the records come: the envelope schema is fixed. */
    private abstract static class Streamed extends LakeFile {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final DataFileWriter<GenericRecord> writer;
        private final Schema schema;
        private byte[] finished;

        Streamed(String key, long firstOffset, CodecFactory codec, Schema schema, Map<String, Long> meta) {
            super(key, "raw", firstOffset);
            this.schema = schema;
            writer = new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(schema)).setCodec(codec);
            meta.forEach(writer::setMeta);
            try {
                writer.create(schema, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        final byte[] bytes() {
            if (finished == null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                finished = out.toByteArray();
            }
            return finished;
        }

        @Override
        final String format() {
            return FORMAT;
        }

        @Override
        final String schema() {
            return schema.toString();
        }
    }

    /** The raw zone in Avro: records are encoded as they come. */
    static final class Raw extends Streamed {

        Raw(String key, long firstOffset, CodecFactory codec) {
            super(key, firstOffset, codec, RAW, Map.of());
        }

        void append(String topic, int partition, long offset, long timestamp, String key, byte[] value) {
            GenericRecord r = new GenericData.Record(RAW);
            r.put("topic", topic);
            r.put("partition", partition);
            r.put("offset", offset);
            r.put("timestamp", timestamp);
            r.put("key", key);
            r.put("value", value == null ? null : ByteBuffer.wrap(value));
            try {
                writer.append(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            counted(offset, value == null ? 0 : value.length);
        }
    }

    /**
     * The raw zone of a topic carrying Avro (Confluent wire format): the envelope's value is the record in its writer's
     * schema, so the file embeds that schema and Spark or DuckDB read the fields directly. The record's Avro bytes are
     * copied as they came (after the 5-byte wire header), never re-encoded; a file holds one writer schema.
     */
    static final class RawWire extends Streamed {
        private final ByteArrayOutputStream datum = new ByteArrayOutputStream(256);
        private final int schemaId;
        private BinaryEncoder encoder;

        RawWire(String key, long firstOffset, CodecFactory codec, int schemaId, Schema writerSchema) {
            super(key, firstOffset, codec, envelope(writerSchema, schemaId), Map.of("caravan.schema.id", (long) schemaId));
            this.schemaId = schemaId;
        }

        /** The envelope of the raw zone with the value typed by the writer's schema. */
        static Schema envelope(Schema writerSchema, int schemaId) {
            return SchemaBuilder.record("LakeRawAvroRecord").namespace("dev.caravan.lake")
                    .doc("A Kafka record as received, its Avro value in the writer's schema (id " + schemaId + ")")
                    .fields()
                    .requiredString("topic")
                    .requiredInt("partition")
                    .requiredLong("offset")
                    .name("timestamp").type(SchemaBuilder.builder().longBuilder()
                            .prop("logicalType", "timestamp-millis").endLong()).noDefault()
                    .optionalString("key")
                    .requiredInt("schema_id")
                    .name("value").type(writerSchema).noDefault()
                    .endRecord();
        }

        /** wire is the Confluent wire record, already decoded once by the caller, so its bytes are known to be sound. */
        void append(String topic, int partition, long offset, long timestamp, String key, byte[] wire) {
            datum.reset();
            encoder = EncoderFactory.get().directBinaryEncoder(datum, encoder);
            try {
                // the envelope's fields in schema order, then the record's own bytes: one Avro record
                encoder.writeString(topic);
                encoder.writeInt(partition);
                encoder.writeLong(offset);
                encoder.writeLong(timestamp);
                if (key == null) {
                    encoder.writeIndex(0);
                } else {
                    encoder.writeIndex(1);
                    encoder.writeString(key);
                }
                encoder.writeInt(schemaId);
                encoder.flush();
                datum.write(wire, ConfluentWire.HEADER, wire.length - ConfluentWire.HEADER);
                writer.appendEncoded(ByteBuffer.wrap(datum.toByteArray()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            counted(offset, wire.length);
        }
    }

    /** The clean zone in Avro: rows kept until the file set is written, then typed under their derived schema. */
    static CleanRowsFile clean(String key, String topic, long firstOffset, CodecFactory codec) {
        return new CleanRowsFile(key, topic, firstOffset, FORMAT, typed -> write(typed.schema(), typed.records(), codec));
    }

    /** An Avro file and the schema it was written with. */
    record Written(byte[] bytes, Schema schema) {
    }

    /** Writes rows under a schema derived from them. */
    static Written write(String recordName, List<Map<String, Object>> rows, CodecFactory codec) {
        Typed typed = typed(recordName, rows);
        return new Written(write(typed.schema(), typed.records(), codec), typed.schema());
    }

    /** One Avro Object Container File of these records. */
    static byte[] write(Schema schema, List<GenericRecord> records, CodecFactory codec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(schema))
                .setCodec(codec)) {
            writer.create(schema, out);
            for (GenericRecord record : records) {
                writer.append(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // --- schema derivation

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

    // --- values

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

    /** The records of a file, and the schema they were written with (null for an empty file). */
    record Read(Schema schema, List<GenericRecord> records) {
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
