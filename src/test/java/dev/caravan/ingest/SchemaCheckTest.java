package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SchemaCheck check = new SchemaCheck();
    private final StreamDefinition geo = stream("geo", "ind", "schemas/geo.schema.json");
    private final StreamDefinition pins = stream("pins", "unique_id", "schemas/pin.schema.json");

    @Test
    void aGeoRecordAsThePostingAppSendsItPasses() {
        assertThatCode(() -> check.check(geo, List.of(json(
                "{\"ind\":7528,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":-89.9787,\"longitude\":-173.293,"
                        + "\"country\":\"Albania\"}")))).doesNotThrowAnyException();
    }

    @Test
    void aDirtyPinStillPassesBecauseCleaningHappensDownstream() {
        assertThatCode(() -> check.check(pins, List.of(json("{\"index\":\"7528\",\"unique_id\":\"fbe53c66\","
                + "\"title\":\"No Title Data Available\",\"description\":\"\",\"poster_name\":\"User Info Error\","
                + "\"follower_count\":\"12k\",\"tag_list\":\"N,o, ,T,a,g,s\",\"is_image_or_video\":\"image\","
                + "\"image_src\":\"Image src error.\",\"downloaded\":0,\"save_location\":\"Local save in /data/x\","
                + "\"category\":\"diy\"}")))).doesNotThrowAnyException();
    }

    @Test
    void everyProblemOfEveryRecordIsListedWithIndexAndPointer() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check(geo, List.of(
                json("{\"ind\":1,\"timestamp\":\"t\",\"latitude\":1,\"longitude\":2,\"country\":\"X\"}"),
                json("{\"ind\":2,\"timestamp\":\"t\",\"latitude\":\"north\",\"longitude\":2}"))));

        assertThat(p.status()).isEqualTo(422);
        assertThat(p.getMessage()).contains("nothing was published");
        assertThat(p.errors()).extracting(e -> e.get("index") + " " + e.get("pointer"))
                .containsExactlyInAnyOrder("1 /latitude", "1 /country");
    }

    @Test
    void aMissingOrEmptyKeyIsRejected() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check(geo, List.of(
                json("{\"ind\":\"\",\"timestamp\":\"t\",\"latitude\":1,\"longitude\":2,\"country\":\"X\"}"))));
        assertThat(p.errors()).extracting(e -> e.get("pointer")).contains("/ind");
    }

    @Test
    void dollarPrefixedFieldNamesAreRejectedWhereverTheyAre() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check(geo, List.of(json(
                "{\"ind\":1,\"timestamp\":\"t\",\"latitude\":1,\"longitude\":2,\"country\":\"X\","
                        + "\"meta\":{\"tags\":[{\"$where\":\"1\"}]}}"))));
        assertThat(p.errors()).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("pointer", "/meta/tags/0/$where").containsEntry("index", 0));
    }

    @Test
    void anIdOfItsOwnAndDottedNamesAreRejected() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check(geo, List.of(json(
                "{\"ind\":1,\"timestamp\":\"t\",\"latitude\":1,\"longitude\":2,\"country\":\"X\","
                        + "\"_id\":\"another\",\"meta\":{\"a.b\":1}}"))));
        assertThat(p.errors()).extracting(e -> e.get("pointer")).containsExactlyInAnyOrder("/_id", "/meta/a.b");
    }

    @Test
    void aKeylessStreamKeysEachRecordByANewUuid() {
        StreamDefinition inbox = stream("inbox", null, "schemas/inbox.schema.json");
        assertThatCode(() -> check.check(inbox, List.of(json("{\"anything\":1}")))).doesNotThrowAnyException();
        String a = SchemaCheck.key(inbox, json("{}"));
        assertThat(a).matches("[0-9a-f-]{36}").isNotEqualTo(SchemaCheck.key(inbox, json("{}")));
    }

    @Test
    void theKeyIsTheKeyFieldAsText() {
        assertThat(SchemaCheck.key(geo, json("{\"ind\":7528}"))).isEqualTo("7528");
    }

    static StreamDefinition stream(String name, String key, String resource) {
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                SchemaCheckTest.class.getClassLoader().getResourceAsStream(resource),
                SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build());
        return new StreamDefinition(name, "caravan." + name, key, "classpath:" + resource, schema);
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

}
