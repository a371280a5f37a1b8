package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build's guard on the schemas of src/main/avro: each parses, has a history, its history's last version is the
 * schema itself, and it can read every version before it (BACKWARD against each, i.e. BACKWARD_TRANSITIVE: Kafka topics
 * keep old records, so a consumer must read them all). A change that breaks this fails the build, naming the field.
 */
class SchemaEvolutionTest {

    static List<String> schemas() {
        return AvroSchemaFiles.names();
    }

    @Test
    void everyBuiltInStreamHasASchema() {
        assertThat(AvroSchemaFiles.names())
                .containsExactlyInAnyOrder("bestsellers", "geo", "matches", "pins", "randomusers", "users");
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void parsesAsARecordOfTheStreamsNamespace(String name) {
        Schema schema = AvroSchemaFiles.current(name);

        assertThat(schema.getType()).isEqualTo(Schema.Type.RECORD);
        assertThat(schema.getNamespace()).isEqualTo("dev.caravan.streams");
        assertThat(schema.getDoc()).as("what the stream carries, for whoever reads the registry").isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void hasAHistoryEndingWithItself(String name) {
        List<Schema> history = AvroSchemaFiles.history(name);

        assertThat(history).as("src/main/avro/history/%s/v1.avsc ...", name).isNotEmpty();
        // Schema.equals compares defaults too, which the compatibility rules depend on
        assertThat(history.get(history.size() - 1))
                .as("%s.avsc changed without a new version in history/%s/: add it as v%d.avsc", name, name,
                        history.size() + 1)
                .isEqualTo(AvroSchemaFiles.current(name));
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void readsEveryVersionInItsHistory(String name) {
        Schema current = AvroSchemaFiles.current(name);
        List<Schema> history = AvroSchemaFiles.history(name);

        for (int v = 0; v < history.size(); v++) {
            CompatibilityResult result = Compatibility.BACKWARD.check(current, List.of(history.get(v)));
            assertThat(result.isCompatible()).as("%s against history v%d: %s", name, v + 1, result.message()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void eachHistoryVersionReadsTheOnesBeforeIt(String name) {
        List<Schema> history = AvroSchemaFiles.history(name);

        for (int v = 1; v < history.size(); v++) {
            CompatibilityResult result = Compatibility.BACKWARD_TRANSITIVE.check(history.get(v), history.subList(0, v));
            assertThat(result.isCompatible()).as("%s v%d: %s", name, v + 1, result.message()).isTrue();
        }
    }

    @Test
    void aNewRequiredFieldWithoutDefaultFailsNamingTheField() {
        Schema v2 = withField(AvroSchemaFiles.current("pins"), "{\"name\": \"board\", \"type\": \"string\"}");

        CompatibilityResult result = Compatibility.BACKWARD.check(v2, AvroSchemaFiles.history("pins"));

        assertThat(result.isCompatible()).isFalse();
        assertThat(result.fields()).containsExactly("board");
        assertThat(result.message()).isEqualTo("not BACKWARD compatible: the new schema cannot read version 1: "
                + "reader field 'board' has no default and the writer does not have it");
    }

    @Test
    void theSameFieldWithADefaultIsAnAllowedChange() {
        Schema v2 = withField(AvroSchemaFiles.current("pins"),
                "{\"name\": \"board\", \"type\": [\"null\", \"string\"], \"default\": null}");

        assertThat(Compatibility.BACKWARD.check(v2, AvroSchemaFiles.history("pins")).isCompatible()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void everyUnionDefaultIsOfTheUnionsFirstBranch(String name) {
        assertThat(defaultsNotOfFirstBranch(AvroSchemaFiles.current(name), "", new HashSet<>())).isEmpty();
    }

    @Test
    void aNullDefaultAfterAnotherBranchIsCaught() {
        // Avro 1.12 accepts a default of any branch (AVRO-3649); the spec, Confluent's registry and other languages
        // take the first branch's, so the build holds the schemas to that
        Schema schema = AvroSchemaFiles.parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": ["
                + "{\"name\": \"x\", \"type\": [\"string\", \"null\"], \"default\": null}]}");

        assertThat(defaultsNotOfFirstBranch(schema, "", new HashSet<>())).containsExactly("x");
    }

    /** The schema with one more field at the end, as the next version would add it. */
    static Schema withField(Schema schema, String fieldJson) {
        String json = schema.toString();
        return AvroSchemaFiles.parse(json.substring(0, json.lastIndexOf(']')) + "," + fieldJson + "]}");
    }

    /** Fields (dotted paths) whose default is not a value of their union's first branch. */
    static List<String> defaultsNotOfFirstBranch(Schema schema, String prefix, Set<String> seen) {
        List<String> out = new ArrayList<>();
        if (!seen.add(schema.getFullName())) {
            return out;
        }
        for (Schema.Field f : schema.getFields()) {
            String path = prefix + f.name();
            if (f.hasDefaultValue() && f.schema().getType() == Schema.Type.UNION
                    && !GenericData.get().validate(f.schema().getTypes().get(0), GenericData.get().getDefaultValue(f))) {
                out.add(path);
            }
            for (Schema s : nested(f.schema())) {
                out.addAll(defaultsNotOfFirstBranch(s, path + ".", seen));
            }
        }
        return out;
    }

    private static List<Schema> nested(Schema s) {
        return switch (s.getType()) {
            case RECORD -> List.of(s);
            case ARRAY -> nested(s.getElementType());
            case MAP -> nested(s.getValueType());
            case UNION -> s.getTypes().stream().flatMap(b -> nested(b).stream()).toList();
            default -> List.of();
        };
    }
}
