package dev.caravan.sink.lake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

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
 * schema; the clean zone's is derived from the file's own records when the file is closed ({@link RowTypes}).
 */
final class AvroFiles {

    static final String FORMAT = "avro";

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
        RowTypes.Typed typed = RowTypes.typed(recordName, rows);
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

    /** The records of a file, and the schema they were written with (null for an empty file). */
    record Read(Schema schema, List<GenericRecord> records) {
    }
}
