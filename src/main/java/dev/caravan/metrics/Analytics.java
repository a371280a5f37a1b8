package dev.caravan.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The built-in questions (the declared ones are files under metrics/: {@link MetricFiles}), each answered by one
 * pure function of the rows: the stream (MongoDB) and the batch (lake) call the
 * same functions, so on the same data they agree exactly. Ties are broken by name, medians are exact (the mean of the
 * two middle values for an even count), and a row missing a value a question needs is left out of that question.
 */
public final class Analytics {

    /** One question: its name in the API, what it answers, and how. */
    public record Metric(String name, String description, Function<Rows.Dataset, List<Map<String, Object>>> compute) {
    }

    private Analytics() {
    }

    public static List<Metric> all() {
        return List.of(
                new Metric("posts-per-category-per-year", "Posts per category per year, 2018-2022",
                        d -> postsPerCategoryPerYear(d.posts())),
                new Metric("top-category-per-year", "The top category of each year, 2018-2022",
                        d -> topCategoryPerYear(d.posts())),
                new Metric("most-followed-user-by-country", "The user with the most followers per country",
                        d -> mostFollowedUserByCountry(d.posts())),
                new Metric("popular-category-by-age-group", "Most popular category per age group (18-24, 25-35, 36-50, 50+)",
                        d -> popularCategoryByAgeGroup(d.posts())),
                new Metric("median-followers-by-age-group", "Median follower count per age group",
                        d -> medianFollowersByAgeGroup(d.posts())),
                new Metric("median-followers-by-join-year", "Median follower count of users by joining year, 2015-2020",
                        d -> medianFollowersByJoinYear(d.posts())),
                new Metric("median-followers-by-join-year-and-age-group",
                        "Median follower count by joining year (2015-2020) and age group",
                        d -> medianFollowersByJoinYearAndAgeGroup(d.posts())),
                new Metric("nyt-most-weeks-per-list", "NYT: the book with the most weeks on each list",
                        d -> mostWeeksPerList(d.books())),
                new Metric("nyt-rank-movers", "NYT: week-over-week rank movers on each list's latest week",
                        d -> rankMovers(d.books())),
                new Metric("football-league-table", "Football: league table per competition from finished matches",
                        d -> leagueTable(d.matches())));
    }

    static String ageGroup(Integer age) {
        if (age == null || age < 18) {
            return null;
        }
        return age <= 24 ? "18-24" : age <= 35 ? "25-35" : age <= 50 ? "36-50" : "50+";
    }

    static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    static List<Map<String, Object>> popularCategoryByAgeGroup(List<Rows.Post> posts) {
        return topBy(posts, p -> ageGroup(p.age()), "age_group");
    }

    /** Per group, the category with the most posts (ties: the first by name). */
    private static List<Map<String, Object>> topBy(List<Rows.Post> posts, Function<Rows.Post, Object> group,
            String groupName) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (Rows.Post p : posts) {
            Object g = group.apply(p);
            if (g != null && p.category() != null) {
                counts.computeIfAbsent(g.toString(), k -> new TreeMap<>()).merge(p.category(), 1, Integer::sum);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        counts.forEach((g, byCategory) -> {
            Map.Entry<String, Integer> top = byCategory.entrySet().stream()
                    .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).orElseThrow();
            out.add(row(groupName, g, "category", top.getKey(), "category_count", top.getValue()));
        });
        return out;
    }

    static List<Map<String, Object>> postsPerCategoryPerYear(List<Rows.Post> posts) {
        Map<Integer, Map<String, Integer>> counts = categoryCountsPerYear(posts);
        List<Map<String, Object>> out = new ArrayList<>();
        counts.forEach((year, byCategory) -> byCategory.forEach((category, n) ->
                out.add(row("post_year", year, "category", category, "category_count", n))));
        return out;
    }

    static List<Map<String, Object>> topCategoryPerYear(List<Rows.Post> posts) {
        List<Map<String, Object>> out = new ArrayList<>();
        categoryCountsPerYear(posts).forEach((year, byCategory) -> {
            Map.Entry<String, Integer> top = byCategory.entrySet().stream()
                    .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).orElseThrow();
            out.add(row("post_year", year, "category", top.getKey(), "category_count", top.getValue()));
        });
        return out;
    }

    private static Map<Integer, Map<String, Integer>> categoryCountsPerYear(List<Rows.Post> posts) {
        Map<Integer, Map<String, Integer>> counts = new TreeMap<>();
        for (Rows.Post p : posts) {
            if (p.postYear() != null && p.postYear() >= 2018 && p.postYear() <= 2022 && p.category() != null) {
                counts.computeIfAbsent(p.postYear(), k -> new TreeMap<>()).merge(p.category(), 1, Integer::sum);
            }
        }
        return counts;
    }

    static List<Map<String, Object>> mostFollowedUserByCountry(List<Rows.Post> posts) {
        Map<String, Rows.Post> best = new TreeMap<>();
        for (Rows.Post p : posts) {
            if (p.country() == null || p.followerCount() == null || p.posterName() == null) {
                continue;
            }
            best.merge(p.country(), p, (a, b) -> b.followerCount() > a.followerCount()
                    || (b.followerCount().equals(a.followerCount()) && b.posterName().compareTo(a.posterName()) < 0) ? b : a);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        best.forEach((country, p) -> out.add(row("country", country, "poster_name", p.posterName(), "follower_count",
                p.followerCount())));
        return out;
    }

    static List<Map<String, Object>> medianFollowersByAgeGroup(List<Rows.Post> posts) {
        Map<String, List<Long>> values = new TreeMap<>();
        for (Rows.Post p : posts) {
            String g = ageGroup(p.age());
            if (g != null && p.followerCount() != null) {
                values.computeIfAbsent(g, k -> new ArrayList<>()).add(p.followerCount());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        values.forEach((g, v) -> out.add(row("age_group", g, "median_follower_count", median(v))));
        return out;
    }

    /** Distinct users, a user being a name and a joining time. */
    static List<Map<String, Object>> medianFollowersByJoinYear(List<Rows.Post> posts) {
        Map<Integer, List<Long>> values = new TreeMap<>();
        for (Rows.Post p : posts) {
            if (p.joinYear() != null && p.joinYear() >= 2015 && p.joinYear() <= 2020 && p.followerCount() != null) {
                values.computeIfAbsent(p.joinYear(), k -> new ArrayList<>()).add(p.followerCount());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        values.forEach((year, v) -> out.add(row("join_year", year, "median_follower_count", median(v))));
        return out;
    }

    static List<Map<String, Object>> medianFollowersByJoinYearAndAgeGroup(List<Rows.Post> posts) {
        Map<Integer, Map<String, List<Long>>> values = new TreeMap<>();
        for (Rows.Post p : posts) {
            String g = ageGroup(p.age());
            if (p.joinYear() != null && p.joinYear() >= 2015 && p.joinYear() <= 2020 && g != null
                    && p.followerCount() != null) {
                values.computeIfAbsent(p.joinYear(), k -> new TreeMap<>()).computeIfAbsent(g, k -> new ArrayList<>())
                        .add(p.followerCount());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        values.forEach((year, byGroup) -> byGroup.forEach((g, v) ->
                out.add(row("join_year", year, "age_group", g, "median_follower_count", median(v)))));
        return out;
    }

    static List<Map<String, Object>> mostWeeksPerList(List<Rows.Book> books) {
        Map<String, Rows.Book> best = new TreeMap<>();
        for (Rows.Book b : books) {
            if (b.list() == null || b.weeksOnList() == null || b.title() == null) {
                continue;
            }
            best.merge(b.list(), b, (x, y) -> y.weeksOnList() > x.weeksOnList()
                    || (y.weeksOnList().equals(x.weeksOnList()) && y.title().compareTo(x.title()) < 0) ? y : x);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        best.forEach((list, b) -> out.add(row("list", list, "title", b.title(), "author", b.author(), "weeks_on_list",
                b.weeksOnList())));
        return out;
    }

    /** On each list's latest week: books whose rank changed from last week, biggest climb first. */
    static List<Map<String, Object>> rankMovers(List<Rows.Book> books) {
        Map<String, java.time.LocalDate> latest = new HashMap<>();
        for (Rows.Book b : books) {
            if (b.list() != null && b.publishedDate() != null) {
                latest.merge(b.list(), b.publishedDate(), (x, y) -> y.isAfter(x) ? y : x);
            }
        }
        List<Rows.Book> movers = new ArrayList<>();
        for (Rows.Book b : books) {
            if (b.list() != null && Objects.equals(latest.get(b.list()), b.publishedDate()) && b.rank() != null
                    && b.rankLastWeek() != null && b.rankLastWeek() > 0 && !b.rankLastWeek().equals(b.rank())) {
                movers.add(b);
            }
        }
        movers.sort(Comparator.comparing(Rows.Book::list)
                .thenComparing(b -> -(b.rankLastWeek() - b.rank()))
                .thenComparing(Rows.Book::rank));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Rows.Book b : movers) {
            out.add(row("list", b.list(), "published_date", b.publishedDate().toString(), "title", b.title(),
                    "rank", b.rank(), "rank_last_week", b.rankLastWeek(), "movement", b.rankLastWeek() - b.rank()));
        }
        return out;
    }

    static List<Map<String, Object>> leagueTable(List<Rows.Match> matches) {
        Map<String, Map<String, int[]>> table = new TreeMap<>(); // played, won, drawn, lost, for, against
        for (Rows.Match m : matches) {
            if (!"FINISHED".equals(m.status()) || m.scoreHome() == null || m.scoreAway() == null || m.home() == null
                    || m.away() == null || m.competition() == null) {
                continue;
            }
            Map<String, int[]> teams = table.computeIfAbsent(m.competition(), k -> new HashMap<>());
            int[] h = teams.computeIfAbsent(m.home(), k -> new int[6]);
            int[] a = teams.computeIfAbsent(m.away(), k -> new int[6]);
            h[0]++;
            a[0]++;
            h[4] += m.scoreHome();
            h[5] += m.scoreAway();
            a[4] += m.scoreAway();
            a[5] += m.scoreHome();
            if (m.scoreHome() > m.scoreAway()) {
                h[1]++;
                a[3]++;
            } else if (m.scoreHome() < m.scoreAway()) {
                a[1]++;
                h[3]++;
            } else {
                h[2]++;
                a[2]++;
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        table.forEach((competition, teams) -> teams.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, int[]>>comparingInt(e -> -(e.getValue()[1] * 3 + e.getValue()[2]))
                        .thenComparingInt(e -> -(e.getValue()[4] - e.getValue()[5]))
                        .thenComparingInt(e -> -e.getValue()[4])
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> {
                    int[] t = e.getValue();
                    Map<String, Object> r = row("competition", competition, "team", e.getKey(), "played", t[0]);
                    r.put("won", t[1]);
                    r.put("drawn", t[2]);
                    r.put("lost", t[3]);
                    r.put("goals_for", t[4]);
                    r.put("goals_against", t[5]);
                    r.put("goal_difference", t[4] - t[5]);
                    r.put("points", t[1] * 3 + t[2]);
                    out.add(r);
                }));
        return out;
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return r;
    }
}
