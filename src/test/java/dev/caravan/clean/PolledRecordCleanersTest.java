package dev.caravan.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Cleaners of the polled APIs' records, on fixtures in the APIs' documented shapes. */
class PolledRecordCleanersTest {

    @Test
    void aBestsellerEntryGetsTypedRanksDatesAndABookKey() throws IOException {
        Document book = new BookCleaner().clean(fixture("nyt-book.json"));

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
        Document book = new BookCleaner().clean(Map.of("list_name", "Hardcover Fiction", "published_date", "2024-01-21",
                "title", "IRON FLAME", "author", "Rebecca Yarros", "rank", "3"));
        assertThat(book.get("book_key")).isEqualTo("iron flame|rebecca yarros");
        assertThat(book.get("list_name_encoded")).isEqualTo("hardcover-fiction");
        assertThatThrownBy(() -> new BookCleaner().clean(Map.of("list_name", "x", "title", "t")))
                .isInstanceOf(CleaningException.class).hasMessageContaining("published_date");
    }

    @Test
    void aRandomUserIsFlattenedAndItsCredentialsAreDropped() throws IOException {
        Document user = new RandomUserCleaner().clean(fixture("randomuser-result.json"));

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
        Document match = new MatchCleaner().clean(fixture("football-match.json"));

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
        Document match = new MatchCleaner().clean(Map.of("id", 1, "utcDate", "2025-08-15T19:00:00Z",
                "status", "SCHEDULED", "score", Map.of("fullTime", new java.util.HashMap<>(Map.of()))));
        assertThat(match.get("score_home")).isNull();
        assertThat(match.get("status")).isEqualTo("SCHEDULED");
    }

    private static Map<String, Object> fixture(String name) throws IOException {
        try (InputStream in = PolledRecordCleanersTest.class.getClassLoader().getResourceAsStream("fixtures/" + name)) {
            return new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() { });
        }
    }

}
