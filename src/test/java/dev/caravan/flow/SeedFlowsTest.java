package dev.caravan.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.FlowFiles;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The seed flows' cleaning, as their files under routes/flows/ declare it, on records in the sources' documented
 * shapes: what the seed projects did to their records, without a line of Java per record type.
 */
class SeedFlowsTest {

    private static final Rules.Meta META = new Rules.Meta("t", 0, 0L, null);




    @Test
    void aDirtyPinIsCleaned() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("index", "7528");
        raw.put("unique_id", "fbe53c66");
        raw.put("title", "No Title Data Available");
        raw.put("description", "");
        raw.put("poster_name", "User Info Error");
        raw.put("follower_count", "1.5M");
        raw.put("tag_list", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e");
        raw.put("image_src", "Image src error.");
        raw.put("downloaded", "1");
        raw.put("save_location", "Local save in /data/mens-fashion");
        raw.put("category", "mens-fashion");

        Document pin = clean("pins", raw);

        assertThat(pin).doesNotContainKey("index");
        assertThat(pin.get("ind")).isEqualTo(7528L);
        assertThat(pin.get("follower_count")).isEqualTo(1_500_000L);
        assertThat(pin.get("title")).isNull();
        assertThat(pin.get("description")).isNull();
        assertThat(pin.get("poster_name")).isNull();
        assertThat(pin.get("tag_list")).isNull();
        assertThat(pin.get("image_src")).isNull();
        assertThat(pin.get("downloaded")).isEqualTo(true);
        assertThat(pin.get("save_location")).isEqualTo("/data/mens-fashion");
        assertThat(pin.get("category")).isEqualTo("mens-fashion");
    }

    @Test
    void aPinsPostComesFromIndexAlone_anIndThatDisagreesIsRefused() {
        Map<String, Object> raw = new LinkedHashMap<>(Map.of("index", 1, "unique_id", "u", "ind", 999));
        assertThatThrownBy(() -> clean("pins", raw))
                .isInstanceOf(CleaningException.class).hasMessageContaining("disagrees with index");
        raw.put("ind", "1"); // the same post, however it is written
        assertThat(clean("pins", raw).get("ind")).isEqualTo(1L);
    }

    @Test
    void aPinWithoutKeyCannotBeCleaned() {
        assertThatThrownBy(() -> clean("pins", Map.of("index", 1)))
                .isInstanceOf(CleaningException.class).hasMessageContaining("unique_id");
    }

    @Test
    void geoBecomesAGeoJsonPointAndADate() {
        Document geo = clean("geo", Map.of("ind", 7528, "timestamp", "2020-08-28 03:52:47",
                "latitude", -89.9787, "longitude", "-173.293", "country", "Albania"));

        assertThat(geo.get("ind")).isEqualTo(7528L);
        assertThat(geo.get("timestamp")).isEqualTo(Date.from(Instant.parse("2020-08-28T03:52:47Z")));
        assertThat(geo.get("coordinates", Document.class)).containsEntry("type", "Point")
                .containsEntry("coordinates", List.of(-173.293, -89.9787));
        assertThat(geo).doesNotContainKeys("latitude", "longitude").containsEntry("country", "Albania");
    }

    @Test
    void impossibleCoordinatesOrDatesAreCleaningErrors() {
        assertThatThrownBy(() -> clean("geo", Map.of("ind", 1, "timestamp", "2020-08-28 03:52:47",
                "latitude", 91, "longitude", 0))).isInstanceOf(CleaningException.class).hasMessageContaining("range");
        assertThatThrownBy(() -> clean("geo", Map.of("ind", 1, "timestamp", "yesterday",
                "latitude", 1, "longitude", 0))).hasMessageContaining("timestamp must be a date");
    }

    @Test
    void aUserGetsAUserNameANumericAgeAndAJoinDate() {
        Document user = clean("users", Map.of("ind", "7528", "first_name", "Abigail",
                "last_name", "Ali", "age", "20", "date_joined", "2015-10-24T11:23:51+00:00"));

        assertThat(user.get("ind")).isEqualTo(7528L);
        assertThat(user.get("user_name")).isEqualTo("Abigail Ali");
        assertThat(user).doesNotContainKeys("first_name", "last_name");
        assertThat(user.get("age")).isEqualTo(20L);
        assertThat(user.get("date_joined")).isEqualTo(Date.from(Instant.parse("2015-10-24T11:23:51Z")));
    }


    @Test
    void aBestsellerEntryGetsTypedRanksDatesAndABookKey() throws IOException {
        Document book = clean("bestsellers", fixture("nyt-book.json"));

        assertThat(book.get("rank")).isEqualTo(1L);
        assertThat(book.get("rank_last_week")).isEqualTo(2L);
        assertThat(book.get("weeks_on_list")).isEqualTo(6L);
        assertThat(book.get("published_date")).isEqualTo(Date.from(Instant.parse("2024-01-21T00:00:00Z")));
        assertThat(book.get("book_key")).isEqualTo("9780385548953");
        assertThat(book.get("contributor_note")).isNull();
        assertThat(book.get("price")).isEqualTo(0.0);
    }

    @Test
    void aBookWithoutIsbnIsKeyedByTitleAndAuthorAndAnEntryNeedsItsWeek() {
        Document book = clean("bestsellers", Map.of("list_name", "Hardcover Fiction", "published_date", "2024-01-21",
                "title", "IRON FLAME", "author", "Rebecca Yarros", "rank", "3"));
        assertThat(book.get("book_key")).isEqualTo("iron flame|rebecca yarros");
        assertThat(book.get("list_name_encoded")).isEqualTo("hardcover-fiction");
        assertThatThrownBy(() -> clean("bestsellers", Map.of("list_name", "x", "title", "t")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("published_date");
    }

    @Test
    void aRandomUserIsFlattenedAndItsCredentialsAreDropped() throws IOException {
        Document user = clean("randomusers", fixture("randomuser-result.json"));

        assertThat(user.get("uuid")).isEqualTo("7a0eed16-9430-4d68-901f-c0d4c1c3bf00");
        assertThat(user.get("full_name")).isEqualTo("Jennie Nichols");
        assertThat(user.get("street")).isEqualTo("8929 Valwood Pkwy");
        assertThat(user.get("postcode")).isEqualTo("63104");
        assertThat(user.get("coordinates", Document.class).getList("coordinates", Double.class))
                .containsExactly(134.8719, -69.8246);
        assertThat(user.get("date_of_birth")).isEqualTo(Date.from(Instant.parse("1992-03-08T15:13:16.688Z")));
        assertThat(user.get("age")).isEqualTo(30L);
        assertThat(user.toJson()).doesNotContain("addison", "sld1yGtd", "ab54ac4c", "password");
    }

    @Test
    void aMatchGetsItsIdKickOffTeamsSeasonAndScoreTyped() throws IOException {
        Document match = clean("matches", fixture("football-match.json"));

        assertThat(match.get("match_id")).isEqualTo(435943L);
        assertThat(match.get("utc_date")).isEqualTo(Date.from(Instant.parse("2023-08-11T19:00:00Z")));
        assertThat(match).containsEntry("home_team", "Burnley FC").containsEntry("away_team", "Manchester City FC")
                .containsEntry("competition_code", "PL").containsEntry("winner", "AWAY_TEAM");
        assertThat(match.get("season")).isEqualTo(2023L);
        assertThat(match.get("score_home")).isEqualTo(0L);
        assertThat(match.get("score_away")).isEqualTo(3L);
        assertThat(match.get("last_updated")).isEqualTo(Date.from(Instant.parse("2024-06-02T20:20:55Z")));
    }

    @Test
    void anUnplayedMatchHasNoScoreYet() {
        Document match = clean("matches", Map.of("id", 1, "utcDate", "2025-08-15T19:00:00Z",
                "status", "SCHEDULED", "score", Map.of("fullTime", new java.util.HashMap<>(Map.of()))));
        assertThat(match.get("score_home")).isNull();
        assertThat(match.get("status")).isEqualTo("SCHEDULED");
    }

    @Test
    void anInboxRecordIsKeptAsItCame_itsKeyIsTheIdAndItsPlaceIsNoted() {
        Document d = FlowFiles.rules("inbox").clean(Map.of("pin", "abc", "n", 1),
                new Rules.Meta("caravan.inbox", 2, 7L, "id-1"));
        assertThat(d.get("_id")).isEqualTo("id-1");
        assertThat(d.get("pin")).isEqualTo("abc");
        assertThat(d.get("_source", Document.class)).containsEntry("topic", "caravan.inbox")
                .containsEntry("partition", 2).containsEntry("offset", 7L);
        assertThat(FlowFiles.rules("inbox").clean(Map.of(), new Rules.Meta("caravan.inbox", 2, 7L, null)).get("_id"))
                .as("a record without key is named by its place in the topic").isEqualTo("caravan.inbox-2-7");
    }

    private static Map<String, Object> fixture(String name) throws IOException {
        try (InputStream in = SeedFlowsTest.class.getClassLoader().getResourceAsStream("fixtures/" + name)) {
            return new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() { });
        }
    }

    private static Document clean(String flow, Map<String, ?> record) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) record);
        return FlowFiles.rules(flow).clean(copy, META);
    }
}
