package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The Confluent wire format: its header, decoding with a reader schema of another version, and bad input. */
class ConfluentWireTest {

    private final Schema v1 = AvroSchemaFiles.current("geo");
    // the next version as it would be allowed: one more field, with a default
    private final Schema v2 = SchemaEvolutionTest.withField(v1,
            "{\"name\": \"source\", \"type\": \"string\", \"default\": \"posting-app\"}");
    private final int v1Id = SchemaIds.of(v1);
    private final int v2Id = SchemaIds.of(v2);
    private final IntFunction<Schema> registry = id -> id == v1Id ? v1 : id == v2Id ? v2 : null;
    private final GenericRecord geo = JsonAvro.rejectingUnknownFields().toRecord(JsonAvroTest.json(
            "{\"ind\": 7528, \"timestamp\": \"2020-08-28 03:52:47\", \"latitude\": -89.9787, \"longitude\": -173.293,"
                    + " \"country\": \"Albania\"}"), v1);

    @Test
    void bytesAreMagicZeroThenTheIdBigEndianThenAvroBinary() {
        byte[] bytes = ConfluentWire.encode(0x01020304, v1, geo);

        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(ConfluentWire.schemaId(bytes)).isEqualTo(0x01020304);
        // ind: union branch 0 (long), 7528 as zig-zag varint d0 75; then the timestamp's length, 19, as 0x26
        assertThat(Arrays.copyOfRange(bytes, 5, 9)).containsExactly(0x00, 0xd0, 0x75, 0x26);
    }

    @Test
    void aRecordComesBackAsItWent() {
        GenericRecord back = ConfluentWire.decode(ConfluentWire.encode(v1Id, v1, geo), registry, v1);

        assertThat(back).isEqualTo(geo);
        assertThat(JsonAvro.toMap(back)).containsEntry("country", "Albania").containsEntry("latitude", -89.9787);
    }

    @Test
    void aV2ReaderReadsV1RecordsWithTheNewFieldsDefault() {
        GenericRecord back = ConfluentWire.decode(ConfluentWire.encode(v1Id, v1, geo), registry, v2);

        assertThat(back.getSchema()).isEqualTo(v2);
        assertThat(back.get("source").toString()).isEqualTo("posting-app");
        assertThat(back.get("ind")).isEqualTo(7528L);
    }

    @Test
    void aV1ReaderReadsV2RecordsWithoutTheNewField() {
        GenericRecord newer = JsonAvro.rejectingUnknownFields().toRecord(Map.of("ind", "7528", "timestamp", "t",
                "latitude", "1.5", "longitude", 2.5, "country", "Chad", "source", "emulator"), v2);

        GenericRecord back = ConfluentWire.decode(ConfluentWire.encode(v2Id, v2, newer), registry, v1);

        assertThat(back.getSchema()).isEqualTo(v1);
        assertThat(JsonAvro.toMap(back)).isEqualTo(Map.of("ind", "7528", "timestamp", "t", "latitude", "1.5",
                "longitude", 2.5, "country", "Chad"));
    }

    @Test
    void aReaderThatNeedsAFieldTheWriterLacksFailsNamingIt() {
        Schema needsBoard = SchemaEvolutionTest.withField(v1, "{\"name\": \"board\", \"type\": \"string\"}");

        assertThatThrownBy(() -> ConfluentWire.decode(ConfluentWire.encode(v1Id, v1, geo), registry, needsBoard))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessage("schema id " + v1Id + " (dev.caravan.streams.Geo) cannot be read as dev.caravan.streams.Geo:"
                        + " reader field 'board' has no default and the writer does not have it");
    }

    @Test
    void tooFewBytesAreRejected() {
        assertThatThrownBy(() -> ConfluentWire.decode(null, registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessageStartingWith("no bytes (null): a Confluent wire format record needs");
        assertThatThrownBy(() -> ConfluentWire.decode(new byte[0], registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("needs a magic byte, a 4-byte schema id and the Avro data");
        assertThatThrownBy(() -> ConfluentWire.decode(new byte[] {0, 0, 0, 1}, registry, v1))
                .isInstanceOf(WireFormatException.class).hasMessage("4 bytes are too few: a Confluent wire format"
                        + " record needs a magic byte, a 4-byte schema id and the Avro data");
    }

    @Test
    void aWrongMagicByteIsRejectedAndJsonRecognised() {
        byte[] json = "{\"ind\": 1}".getBytes(StandardCharsets.UTF_8);
        byte[] other = ConfluentWire.encode(v1Id, v1, geo);
        other[0] = 1;

        assertThatThrownBy(() -> ConfluentWire.decode(json, registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessage("magic byte is 0x7b, not 0x00: not Confluent wire format (this looks like JSON)");
        assertThatThrownBy(() -> ConfluentWire.decode(other, registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessage("magic byte is 0x01, not 0x00: not Confluent wire format");
    }

    @Test
    void anUnknownIdIsItsOwnException() {
        UnknownSchemaIdException e = catchThrowableOfType(UnknownSchemaIdException.class,
                () -> ConfluentWire.decode(ConfluentWire.encode(12345, v1, geo), registry, v1));

        assertThat(e.id()).isEqualTo(12345);
        assertThat(e).isInstanceOf(WireFormatException.class).hasMessage("schema id 12345 is not known to the schema registry");
    }

    @Test
    void truncatedOrOverlongDataIsRejected() {
        byte[] bytes = ConfluentWire.encode(v1Id, v1, geo);
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        byte[] overlong = Arrays.copyOf(bytes, bytes.length + 2);

        assertThatThrownBy(() -> ConfluentWire.decode(truncated, registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessageStartingWith("the Avro data ends early for schema id " + v1Id);
        assertThatThrownBy(() -> ConfluentWire.decode(overlong, registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessageStartingWith("bytes are left after the record of schema id " + v1Id);
    }

    @Test
    void garbageAfterAValidHeaderIsAWireFormatError() {
        byte[] bytes = {0, 0, 0, 0, (byte) v1Id, 0x7f, 0x7f, 0x7f};
        byte[] header = ConfluentWire.encode(v1Id, v1, geo);
        System.arraycopy(header, 0, bytes, 0, 5);

        assertThatThrownBy(() -> ConfluentWire.decode(bytes, registry, v1)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("schema id " + v1Id);
    }

    @Test
    void aRecordThatDoesNotFitItsSchemaIsRefusedWhenEncoding() {
        GenericRecord incomplete = JsonAvro.rejectingUnknownFields().toRecord(Map.of("ind", 1, "timestamp", "t",
                "latitude", 1.0, "longitude", 2.0, "country", "X"), v1);
        incomplete.put("timestamp", null);

        assertThatThrownBy(() -> ConfluentWire.encode(v1Id, v1, incomplete)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit schema dev.caravan.streams.Geo").hasMessageContaining("timestamp");
    }
}
