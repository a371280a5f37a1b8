package dev.caravan;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.flow.Rules;
import dev.caravan.emulate.PinterestGenerator;
import dev.caravan.poll.NytBestsellerEntries;
import dev.caravan.testing.FlowFiles;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a few thousand generated posts whose answers the test computes on its own, sent through the real ingest API
 * with their three parts in varying order and a restart half-way, plus NYT lists and football matches on the pollers'
 * topics: every metric's stream result (MongoDB) and batch result (lake) equal the expected answer, and each other.
 */
class MetricsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POSTS = 1_500;
    private static final Set<String> PLACEHOLDERS = Set.of("No description available Story format",
            "No Title Data Available", "User Info Error", "Image src error.", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
            "No description available");

    @TempDir
    Path data;

    @Test
    void streamAndBatchAnswerEveryQuestionExactlyAndAgree() throws Exception {
        Map<String, String> settings = Map.of(
                "caravan.lake.rotate-interval-ms", "1000",
                "caravan.lake.check-interval-ms", "200",
                "caravan.lake.batch-interval-ms", "200",
                "caravan.metrics.refresh-ms", "1000");
        PinterestGenerator generator = new PinterestGenerator(2026);
        List<PinterestGenerator.Post> posts = new ArrayList<>();
        for (int i = 0; i < POSTS; i++) {
            posts.add(generator.next());
        }
        int half = POSTS * 6 / 10;

        RunningCaravan first = RunningCaravan.start(data, settings);
        RunningCaravan app = first;
        try {
            // before the restart: users, then geo, then pins of the first 60 %, and only the pins of 10 % more
            send(app, "users", posts.subList(0, half), PinterestGenerator.Post::user);
            send(app, "geo", posts.subList(0, half), PinterestGenerator.Post::geo);
            send(app, "pins", posts.subList(0, half + POSTS / 10), PinterestGenerator.Post::pin);
            try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
                for (Map<String, Object> book : books()) {
                    producer.send("nyt.bestsellers", book.get("list_name_encoded") + ":" + book.get("published_date")
                            + ":" + book.get("primary_isbn13"), JSON.writeValueAsString(book));
                }
                for (String code : List.of("PL", "CL")) {
                    for (JsonNode match : JSON.readTree(fixture("football-" + code + "-matches.json")).get("matches")) {
                        producer.send("football.matches", match.get("id").asText(), match.toString());
                    }
                }
                producer.flush();
            }
            await("the first posts joined").atMost(Duration.ofSeconds(90))
                    .until(() -> completePosts(first) == half);
        } finally {
            app.close();
        }

        app = RunningCaravan.start(data, settings);
        try {
            // after it: the rest, parts in another order; the 10 % whose pins came before the restart join now
            send(app, "pins", posts.subList(half + POSTS / 10, POSTS), PinterestGenerator.Post::pin);
            send(app, "geo", posts.subList(half, POSTS), PinterestGenerator.Post::geo);
            send(app, "users", posts.subList(half, POSTS), PinterestGenerator.Post::user);
            RunningCaravan running = app;
            await("every post joined").atMost(Duration.ofSeconds(120)).until(() -> completePosts(running) == POSTS);
            for (String topic : List.of("caravan.pins", "caravan.geo", "caravan.users", "nyt.bestsellers", "football.matches")) {
                await(topic + " in the lake").atMost(Duration.ofSeconds(60)).until(() -> running.lakeLanded(topic));
            }

            HttpResponse<String> recompute = app.post("/api/v1/metrics/recompute", "application/json", "");
            assertThat(recompute.statusCode()).as(recompute.body()).isEqualTo(200);
            JsonNode report = JSON.readTree(recompute.body());
            assertThat(report.at("/posts/stream").asInt()).isEqualTo(POSTS);
            assertThat(report.at("/posts/batch").asInt()).isEqualTo(POSTS);
            assertThat(report.get("agree").asBoolean()).as(report.toPrettyString()).isTrue();
            assertThat(report.at("/took/streamMs").isIntegralNumber()).as(report.toString()).isTrue();
            assertThat(report.at("/took/batchMs").asLong()).as(report.toString()).isPositive();

            Map<String, List<Map<String, Object>>> expected = expected(posts);
            JsonNode list = JSON.readTree(app.get("/api/v1/metrics").body());
            assertThat(list).hasSize(12);
            for (JsonNode m : list) {
                String name = m.get("name").asText();
                JsonNode metric = JSON.readTree(app.get("/api/v1/metrics/" + name).body());
                assertThat(metric.get("computedAt").asText()).isNotBlank();
                assertThat(metric.at("/batch/agree").asBoolean()).as(name).isTrue();
                assertThat(expected).as("an expected answer for " + name).containsKey(name);
                {
                    List<Map<String, Object>> want = expected.get(name);
                    assertThat(rows(metric.get("rows"))).as(name + " (stream)").isEqualTo(normal(want));
                    assertThat(rows(metric.at("/batch/rows"))).as(name + " (batch)").isEqualTo(normal(want));
                }
            }
            assertThat(app.get("/api/v1/metrics/no-such-metric").statusCode()).isEqualTo(404);
        } finally {
            app.close();
        }
    }

    // ---------------------------------------------------------------- the expected answers, computed here

    private static Map<String, List<Map<String, Object>>> expected(List<PinterestGenerator.Post> posts) {
        // the shipped flows' cleaning: what the sinks store
        Rules pins = FlowFiles.rules("pins");
        Rules geos = FlowFiles.rules("geo");
        Rules users = FlowFiles.rules("users");
        Rules.Meta meta = new Rules.Meta("t", 0, 0L, null);
        record P(String category, Long followers, String poster, String country, int postYear, Integer age,
                int joinYear, String user, Date joined) {
        }
        List<P> rows = new ArrayList<>();
        for (PinterestGenerator.Post post : posts) {
            Document pin = pins.clean(new HashMap<>(post.pin()), meta);
            Document geo = geos.clean(new HashMap<>(post.geo()), meta);
            Document user = users.clean(new HashMap<>(post.user()), meta);
            rows.add(new P(pin.getString("category"),
                    pin.get("follower_count") == null ? null : ((Number) pin.get("follower_count")).longValue(),
                    pin.getString("poster_name"), geo.getString("country"),
                    geo.getDate("timestamp").toInstant().atZone(ZoneOffset.UTC).getYear(),
                    user.get("age") == null ? null : ((Number) user.get("age")).intValue(),
                    user.getDate("date_joined").toInstant().atZone(ZoneOffset.UTC).getYear(),
                    user.getString("user_name"), user.getDate("date_joined")));
        }
        Map<String, List<Map<String, Object>>> out = new HashMap<>();
        // 1. most popular category per country
        out.put("popular-category-by-country", top(rows.stream().collect(Collectors.groupingBy(P::country, TreeMap::new,
                Collectors.groupingBy(P::category, Collectors.counting()))), "country"));
        // 2. posts per category per year, and 2b. the top one each year
        Map<Integer, Map<String, Long>> perYear = rows.stream().filter(p -> p.postYear() >= 2018 && p.postYear() <= 2022)
                .collect(Collectors.groupingBy(P::postYear, TreeMap::new,
                        Collectors.groupingBy(P::category, TreeMap::new, Collectors.counting())));
        List<Map<String, Object>> perCategoryPerYear = new ArrayList<>();
        perYear.forEach((y, c) -> c.forEach((cat, n) -> perCategoryPerYear.add(row("post_year", y, "category", cat,
                "category_count", n))));
        out.put("posts-per-category-per-year", perCategoryPerYear);
        out.put("top-category-per-year", top(perYear, "post_year"));
        // 3. most followed user per country
        List<Map<String, Object>> mostFollowed = new ArrayList<>();
        rows.stream().filter(p -> p.followers() != null && p.poster() != null)
                .collect(Collectors.groupingBy(P::country, TreeMap::new, Collectors.toList()))
                .forEach((country, ps) -> {
                    P best = ps.stream().max(Comparator.comparingLong(P::followers)
                            .thenComparing(P::poster, Comparator.reverseOrder())).orElseThrow();
                    mostFollowed.add(row("country", country, "poster_name", best.poster(), "follower_count",
                            best.followers()));
                });
        out.put("most-followed-user-by-country", mostFollowed);
        // 4. and 5. by age group
        out.put("popular-category-by-age-group", top(rows.stream().filter(p -> group(p.age()) != null)
                .collect(Collectors.groupingBy(p -> group(p.age()), TreeMap::new,
                        Collectors.groupingBy(P::category, Collectors.counting()))), "age_group"));
        out.put("median-followers-by-age-group", medians(rows.stream()
                .filter(p -> group(p.age()) != null && p.followers() != null)
                .collect(Collectors.groupingBy(p -> group(p.age()), TreeMap::new,
                        Collectors.mapping(P::followers, Collectors.toList()))), "age_group"));
        // 6. users joined per year (a user: name and joining time)
        List<Map<String, Object>> joined = new ArrayList<>();
        rows.stream().filter(p -> p.joinYear() >= 2015 && p.joinYear() <= 2020 && p.user() != null)
                .collect(Collectors.groupingBy(P::joinYear, TreeMap::new,
                        Collectors.mapping(p -> p.user() + "|" + p.joined().getTime(), Collectors.toSet())))
                .forEach((y, u) -> joined.add(row("join_year", y, "number_users_joined", u.size())));
        out.put("users-joined-per-year", joined);
        // 7. and 8. by joining year
        out.put("median-followers-by-join-year", medians(rows.stream()
                .filter(p -> p.joinYear() >= 2015 && p.joinYear() <= 2020 && p.followers() != null)
                .collect(Collectors.groupingBy(P::joinYear, TreeMap::new,
                        Collectors.mapping(P::followers, Collectors.toList()))), "join_year"));
        List<Map<String, Object>> byYearAndGroup = new ArrayList<>();
        rows.stream().filter(p -> p.joinYear() >= 2015 && p.joinYear() <= 2020 && p.followers() != null
                        && group(p.age()) != null)
                .collect(Collectors.groupingBy(P::joinYear, TreeMap::new, Collectors.groupingBy(p -> group(p.age()),
                        TreeMap::new, Collectors.mapping(P::followers, Collectors.toList()))))
                .forEach((y, g) -> g.forEach((grp, v) -> byYearAndGroup.add(row("join_year", y, "age_group", grp,
                        "median_follower_count", median(v)))));
        out.put("median-followers-by-join-year-and-age-group", byYearAndGroup);
        // NYT: from the three weeks of fixtures
        List<Map<String, Object>> nyt;
        try {
            nyt = books();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<Map<String, Object>> mostWeeks = new ArrayList<>();
        nyt.stream().collect(Collectors.groupingBy(b -> (String) b.get("list_name_encoded"), TreeMap::new, Collectors.toList()))
                .forEach((list, bs) -> {
                    Map<String, Object> best = bs.stream().max(Comparator.comparingInt((Map<String, Object> b) ->
                            (Integer) b.get("weeks_on_list")).thenComparing(b -> (String) b.get("title"),
                            Comparator.reverseOrder())).orElseThrow();
                    mostWeeks.add(row("list", list, "title", best.get("title"), "author", best.get("author"),
                            "weeks_on_list", best.get("weeks_on_list")));
                });
        out.put("nyt-most-weeks-per-list", mostWeeks);
        out.put("nyt-rank-movers", nyt.stream()
                .filter(b -> b.get("published_date").equals("2024-01-21") && (Integer) b.get("rank_last_week") > 0
                        && !b.get("rank_last_week").equals(b.get("rank")))
                .sorted(Comparator.comparing((Map<String, Object> b) -> (String) b.get("list_name_encoded"))
                        .thenComparingInt(b -> -((Integer) b.get("rank_last_week") - (Integer) b.get("rank")))
                        .thenComparingInt(b -> (Integer) b.get("rank")))
                .map(b -> row("list", b.get("list_name_encoded"), "published_date", "2024-01-21", "title", b.get("title"),
                        "rank", b.get("rank"), "rank_last_week", b.get("rank_last_week"),
                        "movement", (Integer) b.get("rank_last_week") - (Integer) b.get("rank")))
                .toList());
        // football: PL Manchester United 1-0 Fulham, Ipswich 0-2 Liverpool; CL Bayern 3-1 Barcelona (fixtures)
        out.put("football-league-table", List.of(
                team("CL", "FC Bayern München", 1, 1, 0, 0, 3, 1, 3),
                team("CL", "FC Barcelona", 1, 0, 0, 1, 1, 3, 0),
                team("PL", "Liverpool FC", 1, 1, 0, 0, 2, 0, 3),
                team("PL", "Manchester United FC", 1, 1, 0, 0, 1, 0, 3),
                team("PL", "Fulham FC", 1, 0, 0, 1, 0, 1, 0),
                team("PL", "Ipswich Town FC", 1, 0, 0, 1, 0, 2, 0)));
        return out;
    }

    private static Map<String, Object> team(String c, String team, int p, int w, int d, int l, int gf, int ga, int pts) {
        Map<String, Object> r = row("competition", c, "team", team, "played", p, "won", w, "drawn", d, "lost", l);
        r.put("goals_for", gf);
        r.put("goals_against", ga);
        r.put("goal_difference", gf - ga);
        r.put("points", pts);
        return r;
    }

    private static String group(Integer age) {
        if (age == null || age < 18) {
            return null;
        }
        return age < 25 ? "18-24" : age < 36 ? "25-35" : age < 51 ? "36-50" : "50+";
    }

    private static <K> List<Map<String, Object>> top(Map<K, Map<String, Long>> counts, String groupName) {
        List<Map<String, Object>> out = new ArrayList<>();
        counts.forEach((g, byCategory) -> {
            long max = byCategory.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            String first = byCategory.entrySet().stream().filter(e -> e.getValue() == max).map(Map.Entry::getKey)
                    .sorted().findFirst().orElseThrow();
            out.add(row(groupName, g, "category", first, "category_count", max));
        });
        return out;
    }

    private static <K> List<Map<String, Object>> medians(Map<K, List<Long>> values, String groupName) {
        List<Map<String, Object>> out = new ArrayList<>();
        values.forEach((g, v) -> out.add(row(groupName, g, "median_follower_count", median(v))));
        return out;
    }

    private static double median(List<Long> v) {
        long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return r;
    }

    // ---------------------------------------------------------------- plumbing

    private static List<Map<String, Object>> books() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String week : List.of("2024-01-21", "2024-01-14", "2024-01-07")) {
            out.addAll(new NytBestsellerEntries().entries(JSON.readValue(fixture("nyt-overview-" + week + ".json"),
                    new TypeReference<Map<String, Object>>() { })));
        }
        return out;
    }

    private static void send(RunningCaravan app, String stream, List<PinterestGenerator.Post> posts,
            java.util.function.Function<PinterestGenerator.Post, Map<String, Object>> part) throws Exception {
        for (int from = 0; from < posts.size(); from += 500) {
            StringBuilder body = new StringBuilder();
            for (PinterestGenerator.Post p : posts.subList(from, Math.min(posts.size(), from + 500))) {
                body.append(JSON.writeValueAsString(part.apply(p))).append('\n');
            }
            HttpResponse<String> r = app.post("/api/v1/streams/" + stream, "application/x-ndjson", body.toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
    }

    private static long completePosts(RunningCaravan app) {
        return app.mongo().getCollection("posts").countDocuments(new Document("pin", new Document("$exists", true))
                .append("geo", new Document("$exists", true)).append("user", new Document("$exists", true)));
    }

    private static List<Map<String, Object>> rows(JsonNode rows) {
        return JSON.convertValue(rows, new TypeReference<List<Map<String, Object>>>() { });
    }

    /** Numbers as JSON has them, so expected and answered rows compare by value. */
    private static List<Map<String, Object>> normal(List<Map<String, Object>> rows) {
        try {
            return rows(JSON.readTree(JSON.writeValueAsString(rows)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
