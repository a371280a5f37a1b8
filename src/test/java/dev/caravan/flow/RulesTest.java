package dev.caravan.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The cleaning-step catalogue: what each step does to a record, and how a step that makes no sense is refused. */
class RulesTest {

    private static final Rules.Meta META = new Rules.Meta("orders", 3, 42L, "k-1");

    private static Document clean(String steps, Map<String, ?> record) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) record);
        return Rules.compile(steps).clean(copy, META);
    }

    @Test
    void followerCountsAsShownBecomeNumbers() {
        FollowerCountParser p = new FollowerCountParser();
        assertThat(p.parse("980")).isEqualTo(980L);
        assertThat(p.parse("12k")).isEqualTo(12_000L);
        assertThat(p.parse("1.5M")).isEqualTo(1_500_000L);
        assertThat(p.parse(" 3K ")).isEqualTo(3_000L);
        assertThat(p.parse(42)).isEqualTo(42L);
        assertThat(p.parse("User Info Error")).isNull();
        assertThat(p.parse("")).isNull();
        assertThat(p.parse(null)).isNull();
    }

    @Test
    void noStepsKeepTheRecordAsItCame() {
        assertThat(clean("", Map.of("a", "1"))).isEqualTo(new Document("a", "1"));
        assertThat(Rules.compile(null).steps()).isEmpty();
    }

    @Test
    void stepsRunInOrderOnACopy() {
        Map<String, Object> record = new LinkedHashMap<>(Map.of("n", "7"));
        Document cleaned = Rules.compile("- integer: [n]\n- rename: {n: count}").clean(record, META);
        assertThat(cleaned).isEqualTo(new Document("count", 7L));
        assertThat(record).as("the record itself is not changed").containsEntry("n", "7");
    }

    @Test
    void numbersIntegersDecimalsAndBooleans() {
        Document d = clean("""
                - number: {fields: "*", except: [zip]}
                - integer: [qty]
                - decimal: [price]
                - boolean: [paid, gift]
                """, Map.of("qty", "3", "price", "4", "zip", "01234", "ratio", "0.5", "paid", "1", "gift", "no"));
        assertThat(d).containsEntry("qty", 3L).containsEntry("price", 4.0).containsEntry("zip", "01234")
                .containsEntry("ratio", 0.5).containsEntry("paid", true).containsEntry("gift", false);
        assertThatThrownBy(() -> clean("- integer: [qty]", Map.of("qty", "three")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("qty");
        assertThatThrownBy(() -> clean("- boolean: [paid]", Map.of("paid", "perhaps")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("paid");
    }

    @Test
    void placeholderTextsAndBlanksBecomeNull() {
        Document d = clean("- null-if: {values: \"n/a|unknown\"}",
                Map.of("a", "n/a", "b", " ", "c", "unknown ", "d", "kept"));
        assertThat(d.get("a")).isNull();
        assertThat(d.get("b")).isNull();
        assertThat(d.get("c")).isNull();
        assertThat(d.get("d")).isEqualTo("kept");
        assertThat(clean("- null-if: {values: [x], blank: false, fields: [a]}", Map.of("a", "x", "b", "x", "c", "")))
                .containsEntry("a", null).containsEntry("b", "x").containsEntry("c", "");
    }

    @Test
    void aRenameNeverOverwritesAnotherValue() {
        assertThat(clean("- rename: {index: ind}", Map.of("index", 5, "ind", "5"))).containsEntry("ind", 5);
        assertThatThrownBy(() -> clean("- rename: {index: ind}", Map.of("index", 5, "ind", 6)))
                .isInstanceOf(CleaningException.class).hasMessageContaining("disagrees with index");
        assertThatThrownBy(() -> clean("- rename: {index: ind}", Map.of("ind", 6)))
                .isInstanceOf(CleaningException.class).hasMessageContaining("comes from index alone");
    }

    @Test
    void datesFromTextInUtcOrAGivenFormat() {
        Document d = clean("""
                - date: [at]
                - date: {fields: [day], format: dd/MM/yyyy}
                """, Map.of("at", "2020-08-28 03:52:47", "day", "24/10/2015"));
        assertThat(d.get("at")).isEqualTo(Date.from(Instant.parse("2020-08-28T03:52:47Z")));
        assertThat(d.get("day")).isEqualTo(Date.from(Instant.parse("2015-10-24T00:00:00Z")));
        assertThatThrownBy(() -> clean("- date: [at]", Map.of("at", "yesterday")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("at must be a date");
    }

    @Test
    void aPointFromLongitudeAndLatitude_optionalUnlessRequired() {
        String point = "- point: {to: where, longitude: lon, latitude: lat}";
        assertThat(clean(point, Map.of("lon", "10.5", "lat", -20)).get("where", Document.class))
                .containsEntry("type", "Point").containsEntry("coordinates", List.of(10.5, -20.0));
        assertThat(clean(point, Map.of("lon", 1, "x", 1))).doesNotContainKeys("where", "lon").containsKey("x");
        assertThatThrownBy(() -> clean("- point: {to: w, longitude: lon, latitude: lat, required: true}",
                Map.of("lon", 1))).isInstanceOf(CleaningException.class);
        assertThatThrownBy(() -> clean(point, Map.of("lon", 0, "lat", 91)))
                .isInstanceOf(CleaningException.class).hasMessageContaining("range");
    }

    @Test
    void textsMadeFromFields() {
        Document d = clean("""
                - concat: {to: name, fields: [first, last], drop: true}
                - after: {field: path, marker: /}
                - substring: {field: season, from: 0, to: 4}
                - slug: {to: list, from: list_name}
                - template: {to: key, value: "{name}|{season}", case: lower}
                - template: {to: none, value: "{missing}", when: [missing]}
                - coalesce: {to: id, fields: [isbn, key]}
                """, Map.of("first", "Ada ", "last", "Lovelace", "path", "Local save in /data/x",
                "season", "2023-08-11", "list_name", "Hardcover Fiction"));
        assertThat(d).doesNotContainKeys("first", "last", "none")
                .containsEntry("name", "Ada Lovelace").containsEntry("path", "/data/x").containsEntry("season", "2023")
                .containsEntry("list", "hardcover-fiction").containsEntry("key", "ada lovelace|2023")
                .containsEntry("id", "ada lovelace|2023");
    }

    @Test
    void selectBuildsTheRecordFromNestedFields() {
        Document d = clean("- select: {id: login.uuid, city: location.city, gone: no.such}",
                Map.of("login", Map.of("uuid", "u-1", "password", "secret"), "location", Map.of("city", "Lyon")));
        assertThat(d).isEqualTo(new Document("id", "u-1").append("city", "Lyon").append("gone", null));
        assertThatThrownBy(() -> clean("- select: {id: login.uuid}", Map.of("login", "flat")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("login.uuid");
    }

    @Test
    void requireRefusesARecordWithoutItsKey() {
        assertThatThrownBy(() -> clean("- require: [id]", Map.of("id", " ")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("id is missing or empty");
    }

    @Test
    void theIdIsTheKafkaKey_andTheSourceIsNoted() {
        Document d = clean("- id: key\n- source: _from", Map.of("_id", "forged", "a", 1));
        assertThat(d.get("_id")).isEqualTo("k-1");
        assertThat(d.keySet()).first().isEqualTo("_id");
        assertThat(d.get("_from", Document.class)).containsEntry("topic", "orders").containsEntry("partition", 3)
                .containsEntry("offset", 42L);
    }

    @Test
    void aStepThatMakesNoSenseIsRefusedWhenCompiled_namingItsPlace() {
        assertThatThrownBy(() -> Rules.compile("- integer: [a]\n- uppercase: [a]"))
                .hasMessageStartingWith("cleaning step 2 (uppercase): unknown cleaning step 'uppercase'; the steps are select, rename");
        assertThatThrownBy(() -> Rules.compile("- point: {to: w}"))
                .hasMessage("cleaning step 1 (point): cleaning step 'point' needs 'longitude'");
        assertThatThrownBy(() -> Rules.compile("- id: name")).hasMessageContaining("id takes 'key'");
        assertThatThrownBy(() -> Rules.compile("integer: [a]")).hasMessageContaining("must be a YAML list");
        assertThatThrownBy(() -> Rules.compile("- {integer: [a], text: [b]}"))
                .hasMessageContaining("cleaning step 1 must be one action");
        assertThatThrownBy(() -> Rules.compile("- [a")).hasMessageContaining("not YAML");
    }
}
