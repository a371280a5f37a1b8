package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The edges of the questions: exact medians, age-group bounds, ties, and a league table. */
class AnalyticsTest {

    @Test
    void mediansAreExact() {
        assertThat(Analytics.median(List.of(5L, 1L, 3L))).isEqualTo(3.0);
        assertThat(Analytics.median(List.of(4L, 1L, 3L, 10L))).isEqualTo(3.5);
        assertThat(Analytics.median(List.of(7L))).isEqualTo(7.0);
    }

    @Test
    void ageGroupsHaveInclusiveBounds() {
        assertThat(Analytics.ageGroup(17)).isNull();
        assertThat(Analytics.ageGroup(18)).isEqualTo("18-24");
        assertThat(Analytics.ageGroup(24)).isEqualTo("18-24");
        assertThat(Analytics.ageGroup(25)).isEqualTo("25-35");
        assertThat(Analytics.ageGroup(36)).isEqualTo("36-50");
        assertThat(Analytics.ageGroup(50)).isEqualTo("36-50");
        assertThat(Analytics.ageGroup(51)).isEqualTo("50+");
        assertThat(Analytics.ageGroup(null)).isNull();
    }

    @Test
    void aTieGoesToTheFirstCategoryByNameAndRowsMissingAValueAreLeftOut() {
        List<Rows.Post> posts = List.of(post("b", "FR", 10L), post("a", "FR", 5L), post(null, "FR", 1L),
                post(null, null, 99L));
        assertThat(Analytics.popularCategoryByAgeGroup(posts))
                .containsExactly(Map.of("age_group", "25-35", "category", "a", "category_count", 1));
        assertThat(Analytics.mostFollowedUserByCountry(posts)).extracting(r -> r.get("follower_count"))
                .containsExactly(10L);
    }

    @Test
    void theLeagueTableCountsFinishedMatchesOnly() {
        List<Rows.Match> matches = List.of(new Rows.Match(1, "PL", "FINISHED", "A", "B", 2, 0),
                new Rows.Match(2, "PL", "FINISHED", "B", "C", 1, 1), new Rows.Match(3, "PL", "IN_PLAY", "A", "C", 0, 3));
        List<Map<String, Object>> table = Analytics.leagueTable(matches);
        assertThat(table).extracting(r -> r.get("team")).containsExactly("A", "C", "B");
        assertThat(table.get(0)).containsEntry("points", 3).containsEntry("goal_difference", 2);
        assertThat(table.get(2)).containsEntry("played", 2).containsEntry("drawn", 1).containsEntry("lost", 1)
                .containsEntry("points", 1);
    }

    private static Rows.Post post(String category, String country, Long followers) {
        return new Rows.Post(1, category, followers, "poster" + followers, country, 2020, 30, 2018, "u", "t");
    }
}
