package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.emulate.PinterestGenerator;
import dev.caravan.poll.DropFields;
import dev.caravan.poll.NytBestsellerEntries;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every stream's records, as their sources produce them (the posting emulator, the pollers' fixtures), through
 * JsonAvro and the wire and back: nothing is lost (unknown fields are rejected, not dropped), nothing changes, and
 * re-encoding what came back gives the same bytes.
 */
class StreamRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonAvro STRICT = JsonAvro.rejectingUnknownFields();
    // what caravan.randomuser.drop-fields removes before Kafka
    private static final DropFields CREDENTIALS = new DropFields(
            List.of("login.password", "login.salt", "login.md5", "login.sha1", "login.sha256"));
    // numbers are compared by value: JSON's 1 and Avro's 1L are the same number
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> a.equals(b)
            || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

    @ParameterizedTest
    @ValueSource(strings = {"pins", "geo", "users", "bestsellers", "randomusers", "matches"})
    void recordsComeBackAsTheyWent(String stream) {
        Schema schema = AvroSchemaFiles.current(stream);
        int id = SchemaIds.of(schema);
        IntFunction<Schema> registry = i -> i == id ? schema : null;
        List<Map<String, Object>> records = records(stream);
        assertThat(records).as("fixture records of " + stream).hasSizeGreaterThanOrEqualTo(3);

        for (Map<String, Object> original : records) {
            GenericRecord record = STRICT.toRecord(original, schema);
            byte[] bytes = ConfluentWire.encode(id, schema, record);
            GenericRecord decoded = ConfluentWire.decode(bytes, registry, schema);
            Map<String, Object> back = JsonAvro.toMap(decoded);

            assertThat(ConfluentWire.schemaId(bytes)).isEqualTo(id);
            assertThat(decoded).isEqualTo(record);
            JsonNode expected = withoutNulls(JSON.valueToTree(original));
            JsonNode actual = withoutNulls(JSON.valueToTree(back));
            assertThat(expected.equals(BY_VALUE, actual)).as("%s%nbecame%n%s", expected, actual).isTrue();
            assertThat(ConfluentWire.encode(id, schema, STRICT.toRecord(back, schema))).isEqualTo(bytes);
        }
    }

    @Test
    void aV2ReaderWithANewNestedFieldReadsV1RandomUsers() {
        Schema v1 = AvroSchemaFiles.current("randomusers");
        Schema v2 = AvroSchemaFiles.parse(v1.toString().replace(
                "{\"name\":\"last\",\"type\":[\"null\",\"string\"],\"default\":null}",
                "{\"name\":\"last\",\"type\":[\"null\",\"string\"],\"default\":null},"
                        + "{\"name\":\"middle\",\"type\":[\"null\",\"string\"],\"default\":null}"));
        assertThat(Compatibility.FULL.check(v2, List.of(v1)).isCompatible()).isTrue();
        Map<String, Object> user = records("randomusers").get(0);

        GenericRecord read = ConfluentWire.decode(ConfluentWire.encode(SchemaIds.of(v1), v1, STRICT.toRecord(user, v1)),
                i -> v1, v2);

        Map<String, Object> name = new LinkedHashMap<>();
        name.put("title", "Miss");
        name.put("first", "Jennie");
        name.put("last", "Nichols");
        name.put("middle", null);
        assertThat(JsonAvro.toMap(read).get("name")).isEqualTo(name);
    }

    @Test
    void credentialsHaveNoFieldSoTheyCannotRideAlong() throws IOException {
        Map<String, Object> withCredentials = fixture("fixtures/randomuser-result.json");
        Schema schema = AvroSchemaFiles.current("randomusers");

        assertThatThrownBy(() -> STRICT.toRecord(withCredentials, schema)).isInstanceOf(JsonAvroException.class)
                .hasMessage("$.login.password: is not a field of dev.caravan.streams.RandomUserLogin");
        Map<String, Object> back = JsonAvro.toMap(JsonAvro.ignoringUnknownFields().toRecord(withCredentials, schema));
        assertThat(JSON.valueToTree(back).toString()).doesNotContain("addison", "sld1yGtd", "ab54ac4c", "password");
    }

    @Test
    void eachPolledStreamNeedsItsKey() throws IOException {
        Map<String, Object> match = fixture("fixtures/football-match.json");
        match.remove("id");
        Map<String, Object> user = CREDENTIALS.map(fixture("fixtures/randomuser-result.json"));
        ((Map<?, ?>) user.get("login")).remove("uuid");
        Map<String, Object> book = records("bestsellers").get(0);
        book.put("published_date", null);

        assertThatThrownBy(() -> STRICT.toRecord(match, AvroSchemaFiles.current("matches")))
                .hasMessage("$.id: is missing and has no default in dev.caravan.streams.Match");
        assertThatThrownBy(() -> STRICT.toRecord(user, AvroSchemaFiles.current("randomusers")))
                .hasMessage("$.login.uuid: is missing and has no default in dev.caravan.streams.RandomUserLogin");
        assertThatThrownBy(() -> STRICT.toRecord(book, AvroSchemaFiles.current("bestsellers")))
                .hasMessage("$.published_date: null does not fit string");
    }

    // --- the records of each stream, as their sources make them

    static List<Map<String, Object>> records(String stream) {
        try {
            return switch (stream) {
                case "pins", "geo", "users" -> posts(stream);
                case "bestsellers" -> bestsellers();
                case "randomusers" -> randomUsers();
                case "matches" -> matches();
                default -> throw new IllegalArgumentException(stream);
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> posts(String stream) {
        PinterestGenerator generator = new PinterestGenerator(42);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PinterestGenerator.Post post = generator.next();
            out.add(stream.equals("pins") ? post.pin() : stream.equals("geo") ? post.geo() : post.user());
        }
        return out;
    }

    private static List<Map<String, Object>> bestsellers() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String week : List.of("2024-01-07", "2024-01-14", "2024-01-21")) {
            out.addAll(new NytBestsellerEntries().entries(fixture("fixtures/poll/nyt-overview-" + week + ".json")));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> randomUsers() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(CREDENTIALS.map(fixture("fixtures/randomuser-result.json")));
        for (String page : List.of("randomuser-page1.json", "randomuser-page2.json")) {
            for (Object result : (List<Object>) fixture("fixtures/poll/" + page).get("results")) {
                out.add(CREDENTIALS.map((Map<String, Object>) result));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> matches() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(fixture("fixtures/football-match.json"));
        for (String competition : List.of("PL", "CL")) {
            for (Object match : (List<Object>) fixture("fixtures/poll/football-" + competition + "-matches.json").get("matches")) {
                out.add((Map<String, Object>) match);
            }
        }
        return out;
    }

    private static Map<String, Object> fixture(String name) throws IOException {
        try (InputStream in = StreamRoundTripTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return JSON.readValue(in, new TypeReference<Map<String, Object>>() { });
        }
    }

    /** Absent and null are the same to a record with defaults, so both sides drop their null fields. */
    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), withoutNulls(e.getValue()));
                }
            }
            return out;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.forEach(i -> items.add(withoutNulls(i)));
            return JSON.createArrayNode().addAll(items);
        }
        return node;
    }
}
