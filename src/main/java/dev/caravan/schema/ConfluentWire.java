package dev.caravan.schema;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the record in Avro binary
 * encoding. Readable by Confluent's KafkaAvroDeserializer and anything else that speaks it. Decoding resolves the
 * writer's schema (found by id) against the reader's, so a consumer reads old and new records as one shape.
 */
public final class ConfluentWire {

    public static final byte MAGIC = 0;
    /** Magic byte and schema id: the bytes before the Avro data. */
    public static final int HEADER = 5;

    private ConfluentWire() {
    }

    /** A record as wire bytes, written with the schema registered under schemaId. */
    public static byte[] encode(int schemaId, Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // Avro says NullPointerException or ClassCastException with a field name; say which schema it was
            throw new IllegalArgumentException("the record does not fit schema " + schema.getFullName() + " (id "
                    + schemaId + "): " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The schema id the bytes name, after checking the header. */
    public static int schemaId(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER) {
            throw new WireFormatException((bytes == null ? "no bytes (null)" : bytes.length + " byte"
                    + (bytes.length == 1 ? " is" : "s are") + " too few") + ": a Confluent wire format record needs a"
                    + " magic byte, a 4-byte schema id and the Avro data");
        }
        if (bytes[0] != MAGIC) {
            throw new WireFormatException(String.format("magic byte is 0x%02x, not 0x00: not Confluent wire format%s",
                    bytes[0] & 0xff, bytes[0] == '{' || bytes[0] == '[' ? " (this looks like JSON)" : ""));
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    /**
     * Decodes wire bytes: the writer's schema is writerSchemas.apply(id) (null when the id is unknown), the record
     * comes out in the reader's schema (fields the writer lacks take the reader's defaults, fields the reader lacks
     * are skipped). Exceptions the lookup itself throws (a registry that cannot be reached) pass through as they are.
     */
    public static GenericRecord decode(byte[] bytes, IntFunction<Schema> writerSchemas, Schema reader) {
        int id = schemaId(bytes);
        Schema writer = writerSchemas.apply(id);
        if (writer == null) {
            throw new UnknownSchemaIdException(id);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
        GenericRecord record;
        try {
            record = new GenericDatumReader<GenericRecord>(writer, reader).read(null, decoder);
        } catch (EOFException e) {
            throw new WireFormatException("the Avro data ends early for schema id " + id + " (" + writer.getFullName()
                    + "): truncated, or written with another schema", e);
        } catch (AvroTypeException e) {
            // Avro's resolver names the record, the checker names the field: give the reader both
            List<FieldProblem> problems = ReaderWriterCheck.check(reader, writer);
            throw new IncompatibleSchemaException("schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
                    + reader.getFullName() + ": " + (problems.isEmpty() ? e.getMessage()
                    : problems.stream().map(FieldProblem::message).collect(Collectors.joining("; "))), e);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("the Avro data is not a record of schema id " + id + " ("
                    + writer.getFullName() + "): " + e.getMessage(), e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new WireFormatException("bytes are left after the record of schema id " + id + " ("
                        + writer.getFullName() + "): the data was written with another schema");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return record;
    }
}
