package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** Schema ids: derived alike everywhere, positive, stable across releases, and collisions caught. */
class SchemaIdsTest {

    @Test
    void theFingerprintIsAvrosCrc64OfTheCanonicalForm() {
        // the Avro specification's test vector for "int": bytes 8f5c393f1ad57572, little-endian
        assertThat(SchemaIds.fingerprint(Schema.create(Schema.Type.INT))).isEqualTo(0x7275d51a3f395c8fL);
        // pinned: ids are stored with every record, so changing the folding would orphan them all
        assertThat(SchemaIds.of(Schema.create(Schema.Type.INT))).isEqualTo(606_406_342);
    }

    @Test
    void foldingGivesAPositive31BitIntForEveryFingerprint() {
        assertThat(SchemaIds.fold(0L)).isEqualTo(1);
        assertThat(SchemaIds.fold(Integer.MAX_VALUE)).isEqualTo(1);
        assertThat(SchemaIds.fold(Integer.MAX_VALUE - 1L)).isEqualTo(Integer.MAX_VALUE);
        assertThat(SchemaIds.fold(-1L)).isEqualTo(4);
        assertThat(SchemaIds.fold(Long.MIN_VALUE)).isEqualTo(3);
    }

    @Test
    void docsDefaultsAndFormattingDoNotChangeTheId() {
        Schema pins = AvroSchemaFiles.current("pins");
        Schema reformatted = AvroSchemaFiles.parse(pins.toString(true).replace("\"doc\"", "\"x-note\""));

        assertThat(SchemaIds.of(reformatted)).isEqualTo(SchemaIds.of(pins));
        assertThat(SchemaIds.collides(pins, reformatted)).isFalse();
        // a writer's default is never used in decoding, so it is not part of the id
        assertThat(SchemaIds.of(SchemaBuilder.record("R").fields().name("s").type().stringType().stringDefault("a").endRecord()))
                .isEqualTo(SchemaIds.of(SchemaBuilder.record("R").fields().name("s").type().stringType().stringDefault("b").endRecord()));
    }

    @Test
    void theStreamsHaveDistinctIds() {
        List<Integer> ids = AvroSchemaFiles.names().stream().map(AvroSchemaFiles::current).map(SchemaIds::of).toList();

        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isPositive());
    }

    @Test
    void aChangeThatAltersTheEncodingChangesTheId() {
        Schema pins = AvroSchemaFiles.current("pins");
        Schema v2 = SchemaEvolutionTest.withField(pins,
                "{\"name\": \"board\", \"type\": [\"null\", \"string\"], \"default\": null}");

        assertThat(SchemaIds.of(v2)).isNotEqualTo(SchemaIds.of(pins));
    }

    @Test
    void aCollisionIsDetectedByComparingCanonicalForms() {
        // found by search: with 31 bits, about one pair in 2^32 collides, so 33,256 one-field records hold a few
        Schema a = oneLongField("f7356");
        Schema b = oneLongField("f33255");

        assertThat(SchemaIds.of(a)).isEqualTo(SchemaIds.of(b)).isEqualTo(197_589_616);
        assertThat(SchemaIds.collides(a, b)).isTrue();
        assertThat(SchemaIds.collides(a, oneLongField("f7356"))).isFalse();
    }

    private static Schema oneLongField(String name) {
        return SchemaBuilder.record("R").namespace("dev.caravan.test").fields().requiredLong(name).endRecord();
    }
}
