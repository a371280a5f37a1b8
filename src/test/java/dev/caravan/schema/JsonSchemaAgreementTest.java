package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.caravan.emulate.PinterestGenerator;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ingest JSON Schemas and the Avro schemas of the same streams cannot drift apart. The rules:
 * <ul>
 * <li>the same field names;</li>
 * <li>required in the JSON Schema exactly when the Avro field has no default; an optional field's Avro default is
 * null;</li>
 * <li>the Avro union's branches, read as JSON types (int and long as integer, float and double as number, string,
 * boolean, null), are the JSON Schema's types in the same order; an optional field has null first (Avro takes a
 * default from the first branch) whether or not the JSON Schema allows null, since Avro needs it for "absent".</li>
 * </ul>
 * Then the same question is asked of the validators themselves: for every field and every kind of JSON value (and for
 * the field left out), the ingest JSON Schema and JsonAvro accept or refuse the record alike.
 */
class JsonSchemaAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    // each string sample passes the fields' patterns (^-?[0-9]+$, ^[01]$, ...), so only types are compared
    private static final List<String> SAMPLES = List.of("null", "true", "1", "1.0", "1e2", "1.5", "\"1\"", "{}", "[]");
    private static final String ABSENT = "(absent)";

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users"})
    void sameFieldNames(String stream) {
        JsonNode jsonSchema = jsonSchema(stream);
        Set<String> jsonFields = new HashSet<>();
        jsonSchema.get("properties").fieldNames().forEachRemaining(jsonFields::add);

        assertThat(avro(stream).getFields()).extracting(Schema.Field::name).containsExactlyInAnyOrderElementsOf(jsonFields);
        assertThat(jsonFields).as("required fields are declared").containsAll(required(jsonSchema));
        assertThat(jsonSchema.get("type").asText()).isEqualTo("object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users"})
    void requiredExactlyWhenNoAvroDefault(String stream) {
        JsonNode jsonSchema = jsonSchema(stream);
        Set<String> required = required(jsonSchema);

        for (Schema.Field field : avro(stream).getFields()) {
            if (required.contains(field.name())) {
                assertThat(field.hasDefaultValue()).as("%s.%s is required, so it has no default", stream, field.name())
                        .isFalse();
            } else {
                assertThat(field.defaultVal()).as("%s.%s is optional, so its default is null", stream, field.name())
                        .isEqualTo(JsonProperties.NULL_VALUE);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users"})
    void sameTypesInTheSameOrder(String stream) {
        JsonNode jsonSchema = jsonSchema(stream);
        Set<String> required = required(jsonSchema);

        for (Schema.Field field : avro(stream).getFields()) {
            List<String> jsonTypes = jsonTypes(jsonSchema.get("properties").get(field.name()));
            List<String> expected = new ArrayList<>();
            if (!required.contains(field.name())) {
                expected.add("null");
                jsonTypes.stream().filter(t -> !t.equals("null")).forEach(expected::add);
            } else {
                expected.addAll(jsonTypes);
            }
            assertThat(asJsonTypes(field.schema())).as("%s.%s: JSON Schema %s", stream, field.name(), jsonTypes)
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users"})
    void bothAcceptAndRefuseTheSameValues(String stream) {
        JsonSchema validator = validator(stream);
        Schema avro = avro(stream);
        ObjectNode base = example(stream);
        assertThat(validator.validate(base)).as("the example record is valid").isEmpty();

        List<String> disagreements = new ArrayList<>();
        for (Schema.Field field : avro.getFields()) {
            for (String sample : withAbsent()) {
                ObjectNode record = base.deepCopy();
                if (sample.equals(ABSENT)) {
                    record.remove(field.name());
                } else {
                    record.set(field.name(), parse(sample));
                }
                boolean jsonSchemaAccepts = validator.validate(record).isEmpty();
                String avroError = avroError(record, avro);
                if (jsonSchemaAccepts != (avroError == null)) {
                    disagreements.add(field.name() + " = " + sample + ": JSON Schema " + (jsonSchemaAccepts ? "accepts" : "refuses")
                            + ", Avro " + (avroError == null ? "accepts" : "refuses (" + avroError + ")"));
                }
            }
        }
        assertThat(disagreements).as(stream).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users"})
    void whatThePostingEmulatorSendsPassesBoth(String stream) {
        JsonSchema validator = validator(stream);
        Schema avro = avro(stream);
        PinterestGenerator generator = new PinterestGenerator(7);

        for (int i = 0; i < 300; i++) {
            JsonNode record = JSON.valueToTree(pick(generator.next(), stream));
            assertThat(validator.validate(record)).as("%s", record).isEmpty();
            assertThat(avroError(record, avro)).as("%s", record).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users"})
    void theOneKnownDifferenceIsAnIntegerBeyond64Bits(String stream) {
        // JSON Schema's integer has no bounds and Avro's long has; the ingest will answer 422 for such a value once
        // encoding is wired in (or the JSON Schemas get a maximum)
        JsonSchema validator = validator(stream);
        ObjectNode record = example(stream);
        String field = stream.equals("pins") ? "index" : "ind";
        record.set(field, parse("123456789012345678901234567890"));

        assertThat(validator.validate(record)).isEmpty();
        assertThat(avroError(record, avro(stream))).startsWith("$." + field + ": integer 123456789012345678901234567890");
    }

    // --- the two schemas

    private static Schema avro(String stream) {
        return AvroSchemaFiles.current(stream);
    }

    private static String jsonSchemaFile(String stream) {
        return switch (stream) {
            case "pins" -> "schemas/pin.schema.json";
            case "geo" -> "schemas/geo.schema.json";
            case "users" -> "schemas/user.schema.json";
            default -> throw new IllegalArgumentException(stream);
        };
    }

    private static JsonNode jsonSchema(String stream) {
        try (InputStream in = JsonSchemaAgreementTest.class.getClassLoader().getResourceAsStream(jsonSchemaFile(stream))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonSchema validator(String stream) {
        return FACTORY.getSchema(jsonSchema(stream));
    }

    private static Set<String> required(JsonNode jsonSchema) {
        Set<String> out = new HashSet<>();
        jsonSchema.path("required").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> jsonTypes(JsonNode property) {
        JsonNode type = property.get("type");
        List<String> out = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(t -> out.add(t.asText()));
        } else {
            out.add(type.asText());
        }
        return out;
    }

    /** Avro branches as the JSON types they hold; anything else by its Avro name, which then matches nothing. */
    private static List<String> asJsonTypes(Schema schema) {
        List<Schema> branches = schema.getType() == Schema.Type.UNION ? schema.getTypes() : List.of(schema);
        return branches.stream().map(b -> switch (b.getType()) {
            case INT, LONG -> "integer";
            case FLOAT, DOUBLE -> "number";
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> "avro " + b.getType().getName();
        }).toList();
    }

    // --- records

    private static String avroError(JsonNode record, Schema avro) {
        try {
            JsonAvro.ignoringUnknownFields().toRecord(record, avro);
            return null;
        } catch (JsonAvroException e) {
            return e.getMessage();
        }
    }

    private static ObjectNode example(String stream) {
        return JSON.valueToTree(pick(new PinterestGenerator(1).next(), stream));
    }

    private static Map<String, Object> pick(PinterestGenerator.Post post, String stream) {
        return new LinkedHashMap<>(switch (stream) {
            case "pins" -> post.pin();
            case "geo" -> post.geo();
            case "users" -> post.user();
            default -> throw new IllegalArgumentException(stream);
        });
    }

    private static List<String> withAbsent() {
        List<String> out = new ArrayList<>(SAMPLES);
        out.add(ABSENT);
        return out;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
