package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** JSON into Avro records (union branches by the JSON value's kind, paths in errors) and back into plain maps. */
class JsonAvroTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonAvro LENIENT = JsonAvro.ignoringUnknownFields();
    private static final JsonAvro STRICT = JsonAvro.rejectingUnknownFields();
    private final Schema pins = AvroSchemaFiles.current("pins");
    private final Schema geo = AvroSchemaFiles.current("geo");

    /** Every kind JsonAvro handles, each in a union where order or kind matters. */
    private static final Schema KINDS = AvroSchemaFiles.parse("""
            {"type": "record", "name": "Kinds", "namespace": "dev.caravan.test", "fields": [
              {"name": "small", "type": ["int", "long"]},
              {"name": "real", "type": ["null", "float", "double"], "default": null},
              {"name": "flag", "type": ["null", "boolean"], "default": null},
              {"name": "colour", "type": ["null", {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}], "default": null},
              {"name": "blob", "type": ["null", "bytes"], "default": null},
              {"name": "hash", "type": ["null", {"type": "fixed", "name": "Hash", "size": 4}], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "counts", "type": ["null", {"type": "map", "values": "long"}], "default": null},
              {"name": "inner", "type": ["null", {"type": "record", "name": "Inner", "fields": [
                {"name": "id", "type": "long"},
                {"name": "label", "type": ["null", "string"], "default": null}
              ]}], "default": null},
              {"name": "items", "type": ["null", {"type": "array", "items": "Inner"}], "default": null}
            ]}""");

    @Test
    void aUnionBranchIsChosenByTheKindOfTheJsonValue() {
        GenericRecord asNumbers = LENIENT.toRecord(json("{\"index\": 7528, \"unique_id\": \"u\", \"title\": null,"
                + " \"description\": \"d\", \"follower_count\": 980, \"tag_list\": null, \"is_image_or_video\": \"image\","
                + " \"image_src\": null, \"downloaded\": 1, \"save_location\": null, \"category\": null}"), pins);
        GenericRecord asText = LENIENT.toRecord(json("{\"index\": \"7528\", \"unique_id\": \"u\", \"title\": \"t\","
                + " \"description\": null, \"follower_count\": \"12k\", \"tag_list\": \"a,b\", \"is_image_or_video\": null,"
                + " \"image_src\": \"x\", \"downloaded\": true, \"save_location\": \"s\", \"category\": \"c\"}"), pins);

        assertThat(asNumbers.get("index")).isEqualTo(7528L);
        assertThat(asNumbers.get("follower_count")).isEqualTo(980L);
        assertThat(asNumbers.get("downloaded")).isEqualTo(1);
        assertThat(asNumbers.get("title")).isNull();
        assertThat(asNumbers.get("poster_name")).as("optional, absent: its default").isNull();
        assertThat(asText.get("index")).isEqualTo("7528");
        assertThat(asText.get("follower_count")).isEqualTo("12k");
        assertThat(asText.get("downloaded")).isEqualTo(true);
    }

    @Test
    void anIntegerGoesToTheFirstIntegerBranchItFitsElseToAReal() {
        GenericRecord small = LENIENT.toRecord(json("{\"small\": 5}"), KINDS);
        GenericRecord large = LENIENT.toRecord(json("{\"small\": 5000000000, \"real\": 2}"), KINDS);
        GenericRecord whole = LENIENT.toRecord(json("{\"ind\": 1, \"timestamp\": \"t\", \"latitude\": 53,"
                + " \"longitude\": -1.5, \"country\": null}"), geo);

        assertThat(small.get("small")).isEqualTo(5);
        assertThat(large.get("small")).isEqualTo(5_000_000_000L);
        assertThat(large.get("real")).as("first real branch: float").isEqualTo(2.0f);
        assertThat(whole.get("latitude")).as("JSON Schema's number takes integers").isEqualTo(53.0);
        assertThat(whole.get("longitude")).isEqualTo(-1.5);
    }

    @Test
    void aWholeNumberWrittenAsARealFitsAnIntegerBranchAsJsonSchemaCountsItAnInteger() {
        GenericRecord r = LENIENT.toRecord(json("{\"small\": 2.0, \"real\": 3.0, \"counts\": {\"a\": 1e2}}"), KINDS);

        assertThat(r.get("small")).isEqualTo(2);
        assertThat(r.get("real")).as("a real branch is taken first").isEqualTo(3.0f);
        assertThat(r.get("counts")).isEqualTo(Map.of("a", 100L));
        assertThat(error(LENIENT, "{\"small\": 99999999999999999999}", KINDS))
                .hasMessage("$.small: integer 99999999999999999999 fits none of the branches [int, long]");
    }

    @Test
    void textIsAStringElseAnEnumSymbolElseBase64Bytes() {
        GenericRecord r = LENIENT.toRecord(json("{\"small\": 1, \"colour\": \"GREEN\", \"blob\": \"aGk=\","
                + " \"hash\": \"AQIDBA==\"}"), KINDS);

        assertThat(r.get("colour")).isEqualTo(new GenericData.EnumSymbol(KINDS.getField("colour").schema().getTypes().get(1), "GREEN"));
        assertThat(r.get("blob")).isEqualTo(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)));
        assertThat(((GenericData.Fixed) r.get("hash")).bytes()).containsExactly(1, 2, 3, 4);
        assertThat(error(LENIENT, "{\"small\": 1, \"colour\": \"BLUE\"}", KINDS))
                .hasMessage("$.colour: string \"BLUE\" fits none of the branches [null, enum dev.caravan.test.Colour]");
    }

    @Test
    void objectsBecomeRecordsOrMapsAndArraysArrays() {
        GenericRecord r = LENIENT.toRecord(json("{\"small\": 1, \"tags\": [\"a\", \"b\"], \"counts\": {\"x y\": 2},"
                + " \"inner\": {\"id\": 9}, \"items\": [{\"id\": 1, \"label\": \"one\"}, {\"id\": 2}]}"), KINDS);

        assertThat(r.get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(r.get("counts")).isEqualTo(Map.of("x y", 2L));
        assertThat(((GenericRecord) r.get("inner")).get("id")).isEqualTo(9L);
        assertThat((List<?>) r.get("items")).hasSize(2);
        assertThat(LENIENT.toRecord(json("{\"small\": 1}"), KINDS).get("tags")).as("default []").isEqualTo(List.of());
    }

    @Test
    void aValueThatFitsNoBranchIsReportedWithItsPath() {
        assertThat(error(LENIENT, "{\"small\": 1.5}", KINDS))
                .hasMessage("$.small: number 1.5 fits none of the branches [int, long]");
        assertThat(error(LENIENT, "{\"small\": 1, \"items\": [{\"id\": 1}, {\"id\": \"two\"}]}", KINDS))
                .hasMessage("$.items[1].id: string \"two\" does not fit long");
        assertThat(error(LENIENT, "{\"small\": 1, \"counts\": {\"x y\": null}}", KINDS))
                .hasMessage("$.counts['x y']: null does not fit long");
        assertThat(error(LENIENT, "{\"ind\": true, \"timestamp\": \"t\", \"latitude\": 1, \"longitude\": 2, \"country\": null}", geo))
                .hasMessage("$.ind: boolean true fits none of the branches [long, string]");
        assertThat(error(LENIENT, "{\"ind\": 1, \"timestamp\": null, \"latitude\": 1, \"longitude\": 2, \"country\": null}", geo))
                .hasMessage("$.timestamp: null does not fit string");
    }

    @Test
    void numbersAndTextAreNeverConvertedIntoEachOther() {
        assertThat(error(LENIENT, "{\"small\": \"12\"}", KINDS)).hasMessageStartingWith("$.small: string \"12\"");
        assertThat(error(LENIENT, "{\"small\": 1, \"real\": \"1.5\"}", KINDS)).hasMessageStartingWith("$.real: string");
    }

    @Test
    void aMissingFieldWithoutDefaultIsAnErrorAndOneWithADefaultTakesIt() {
        JsonAvroException e = error(LENIENT, "{\"small\": 1, \"inner\": {\"label\": \"no id\"}}", KINDS);

        assertThat(e.path()).isEqualTo("$.inner.id");
        assertThat(e).hasMessage("$.inner.id: is missing and has no default in dev.caravan.test.Inner");
        assertThat(error(LENIENT, "{\"ind\": 1, \"latitude\": 1, \"longitude\": 2, \"country\": null}", geo))
                .hasMessage("$.timestamp: is missing and has no default in dev.caravan.streams.Geo");
    }

    @Test
    void unknownFieldsAreDroppedOrRejectedAsChosen() {
        String json = "{\"small\": 1, \"inner\": {\"id\": 1, \"extra\": true}}";

        assertThat(LENIENT.toRecord(json(json), KINDS).get("inner")).isNotNull();
        assertThat(error(STRICT, json, KINDS))
                .hasMessage("$.inner.extra: is not a field of dev.caravan.test.Inner");
        assertThat(error(STRICT, "{\"small\": 1, \"$weird name\": 1}", KINDS).path()).isEqualTo("$['$weird name']");
    }

    @Test
    void onlyObjectsAreRecords() {
        assertThatThrownBy(() -> LENIENT.toRecord(json("[1, 2]"), KINDS)).isInstanceOf(JsonAvroException.class)
                .hasMessage("$: an array is not an object, so not a dev.caravan.test.Kinds");
        assertThatThrownBy(() -> LENIENT.toRecord(json("{}"), Schema.create(Schema.Type.STRING)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record schema");
    }

    @Test
    void aMapFromJsonWorksAsAJsonTreeDoes() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("small", 3);
        map.put("real", 1.25);
        map.put("inner", Map.of("id", 4));

        GenericRecord r = LENIENT.toRecord(map, KINDS);

        assertThat(r).isEqualTo(LENIENT.toRecord(json("{\"small\": 3, \"real\": 1.25, \"inner\": {\"id\": 4}}"), KINDS));
    }

    @Test
    void aRecordBecomesAPlainMapWithEveryFieldInSchemaOrder() {
        GenericRecord r = LENIENT.toRecord(json("{\"small\": 1, \"colour\": \"RED\", \"blob\": \"aGk=\", \"hash\": \"AQIDBA==\","
                + " \"tags\": [\"a\"], \"counts\": {\"k\": 1}, \"items\": [{\"id\": 1}]}"), KINDS);
        // as decoding leaves them: Utf8 text, map keys included
        GenericData.Record inner = new GenericData.Record(KINDS.getField("inner").schema().getTypes().get(1));
        inner.put("id", 7L);
        inner.put("label", new Utf8("seven"));
        r.put("inner", inner);
        r.put("counts", Map.of(new Utf8("k"), 1L));

        Map<String, Object> map = JsonAvro.toMap(r);

        assertThat(map).containsOnlyKeys("small", "real", "flag", "colour", "blob", "hash", "tags", "counts", "inner", "items");
        assertThat(map.keySet()).startsWith("small", "real", "flag");
        assertThat(map).containsEntry("small", 1).containsEntry("real", null).containsEntry("colour", "RED")
                .containsEntry("blob", "aGk=").containsEntry("hash", "AQIDBA==").containsEntry("tags", List.of("a"))
                .containsEntry("counts", Map.of("k", 1L));
        assertThat(map.get("inner")).isEqualTo(Map.of("id", 7L, "label", "seven"));
        assertThat(((Map<?, ?>) map.get("inner")).get("label")).isInstanceOf(String.class);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", 1L);
        item.put("label", null);
        assertThat(map.get("items")).isEqualTo(List.of(item));
    }

    private static JsonAvroException error(JsonAvro converter, String json, Schema schema) {
        return catchThrowableOfType(JsonAvroException.class, () -> converter.toRecord(json(json), schema));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
