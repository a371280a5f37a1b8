package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The compatibility modes on small schemas, and messages that name the field at fault wherever it is nested. */
class CompatibilityTest {

    private static final Schema V1 = record("{\"name\": \"a\", \"type\": \"long\"}");
    private static final Schema V2_OPTIONAL_B = record("{\"name\": \"a\", \"type\": \"long\"}",
            "{\"name\": \"b\", \"type\": [\"null\", \"string\"], \"default\": null}");
    private static final Schema V3_REQUIRED_B = record("{\"name\": \"a\", \"type\": \"long\"}",
            "{\"name\": \"b\", \"type\": [\"null\", \"string\"]}");

    @Test
    void backwardChecksTheLatestVersionOnlyAndTransitiveEveryVersion() {
        // v3 reads v2 (which has b) but not v1 (which has not)
        List<Schema> history = List.of(V1, V2_OPTIONAL_B);

        assertThat(Compatibility.BACKWARD.check(V3_REQUIRED_B, history).isCompatible()).isTrue();
        CompatibilityResult transitive = Compatibility.BACKWARD_TRANSITIVE.check(V3_REQUIRED_B, history);
        assertThat(transitive.isCompatible()).isFalse();
        assertThat(transitive.violations()).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.candidateReads()).isTrue();
            assertThat(v.problem().path()).isEqualTo("b");
        });
    }

    @Test
    void removingARequiredFieldIsBackwardButNotForward() {
        CompatibilityResult forward = Compatibility.FORWARD.check(V1, List.of(V3_REQUIRED_B));

        assertThat(Compatibility.BACKWARD.check(V1, List.of(V3_REQUIRED_B)).isCompatible()).isTrue();
        assertThat(forward.isCompatible()).isFalse();
        assertThat(forward.message()).isEqualTo("not FORWARD compatible: version 1 cannot read the new schema: "
                + "reader field 'b' has no default and the writer does not have it");
        assertThat(Compatibility.FULL.check(V1, List.of(V3_REQUIRED_B)).fields()).containsExactly("b");
    }

    @Test
    void anOptionalFieldIsAFullyCompatibleChangeAndNoneAcceptsAnything() {
        assertThat(Compatibility.FULL_TRANSITIVE.check(V2_OPTIONAL_B, List.of(V1)).isCompatible()).isTrue();
        Schema unrelated = record("{\"name\": \"a\", \"type\": \"string\"}", "{\"name\": \"z\", \"type\": \"int\"}");
        assertThat(Compatibility.NONE.check(unrelated, List.of(V1)).isCompatible()).isTrue();
        assertThat(Compatibility.BACKWARD.check(V1, List.of()).isCompatible()).as("a first version").isTrue();
    }

    @Test
    void aNarrowedTypeOrARemovedUnionBranchNamesTheField() {
        Schema narrowed = record("{\"name\": \"a\", \"type\": \"int\"}");
        Schema geoWithoutStringLatitude = AvroSchemaFiles.parse(AvroSchemaFiles.current("geo").toString()
                .replace("\"name\":\"latitude\",\"type\":[\"double\",\"string\"]", "\"name\":\"latitude\",\"type\":\"double\""));

        assertThat(Compatibility.BACKWARD.check(narrowed, List.of(V1)).message())
                .endsWith("field 'a': the reader's int cannot read the writer's long");
        assertThat(Compatibility.BACKWARD.check(geoWithoutStringLatitude, AvroSchemaFiles.history("geo")).message())
                .endsWith("field 'latitude': the reader's double cannot read the writer's string");
    }

    @Test
    void aRequiredFieldInsideAnOptionalNestedRecordIsNamedByItsPath() {
        // Avro itself only says "reader union lacking writer type: RECORD" here
        Schema v2 = AvroSchemaFiles.parse(AvroSchemaFiles.current("randomusers").toString().replace(
                "{\"name\":\"first\",\"type\":[\"null\",\"string\"],\"default\":null}",
                "{\"name\":\"first\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"middle\",\"type\":\"string\"}"));

        CompatibilityResult result = Compatibility.BACKWARD.check(v2, AvroSchemaFiles.history("randomusers"));

        assertThat(result.fields()).containsExactly("name.middle");
        assertThat(result.message()).contains("reader field 'name.middle' has no default and the writer does not have it");
    }

    @Test
    void fieldsInArraysOfRecordsAreNamedToo() {
        Schema v2 = AvroSchemaFiles.parse(AvroSchemaFiles.current("matches").toString().replace(
                "{\"name\":\"nationality\",\"type\":[\"null\",\"string\"],\"default\":null}",
                "{\"name\":\"nationality\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"age\",\"type\":\"int\"}"));

        assertThat(Compatibility.BACKWARD.check(v2, AvroSchemaFiles.history("matches")).fields())
                .containsExactly("referees[].age");
    }

    @Test
    void aRecursiveRecordIsCheckedWithoutEndlessDescent() {
        Schema v1 = AvroSchemaFiles.parse("{\"type\": \"record\", \"name\": \"Node\", \"fields\": ["
                + "{\"name\": \"next\", \"type\": [\"null\", \"Node\"], \"default\": null}]}");
        Schema v2 = AvroSchemaFiles.parse("{\"type\": \"record\", \"name\": \"Node\", \"fields\": ["
                + "{\"name\": \"next\", \"type\": [\"null\", \"Node\"], \"default\": null},"
                + "{\"name\": \"value\", \"type\": \"long\"}]}");

        assertThat(Compatibility.BACKWARD.check(v2, List.of(v1)).fields()).containsExactly("value");
    }

    @Test
    void renamedRecordsAndRemovedEnumSymbolsAreExplained() {
        Schema enumV1 = record("{\"name\": \"e\", \"type\": {\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\", \"B\"]}}");
        Schema enumV2 = record("{\"name\": \"e\", \"type\": {\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\"]}}");
        Schema renamed = AvroSchemaFiles.parse(V1.toString().replace("\"name\":\"R\"", "\"name\":\"S\""));

        assertThat(Compatibility.BACKWARD.check(enumV2, List.of(enumV1)).message())
                .endsWith("field 'e': the reader's enum E lacks the writer's symbols [B] and has no default symbol");
        assertThat(Compatibility.BACKWARD.check(renamed, List.of(V1)).message())
                .endsWith("the record: the reader's name S does not match the writer's R (and is not among the reader's aliases)");
    }

    @Test
    void modesAreReadAsConfigurationSpellsThem() {
        assertThat(Compatibility.of("backward")).isEqualTo(Compatibility.BACKWARD);
        assertThat(Compatibility.of(" full-transitive ")).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThat(Compatibility.DEFAULT).isEqualTo(Compatibility.BACKWARD);
        assertThatThrownBy(() -> Compatibility.of("sideways")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sideways").hasMessageContaining("BACKWARD_TRANSITIVE");
    }

    private static Schema record(String... fields) {
        return AvroSchemaFiles.parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [" + String.join(",", fields) + "]}");
    }
}
