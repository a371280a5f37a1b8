package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped metric files, each run on both of its engines over the same posts: the live pipeline by a MongoDB wire
 * server, the batch SQL by DuckDB over NDJSON shaped as the lake's posts view. Both give the answer the question
 * asks for, ties and missing values included.
 */
class DeclaredMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path lake;
    static MongoServer server;
    static MongoClient client;
    static Map<String, DeclaredMetric> metrics = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        new MetricFiles(Path.of("metrics")).all().forEach(m -> metrics.put(m.name(), m));
        server = new MongoServer(H2Backend.inMemory());
        client = MongoClients.create(server.bindAndGetConnectionString());
        MongoCollection<Document> posts = client.getDatabase("caravan").getCollection("posts");
        StringBuilder lines = new StringBuilder();
        Object[][] rows = {
            // ind, category, country, user, joined, age, poster, followers, posted
            {1, "b", "FR", "ann", "2015-03-01T10:00:00Z", 30, "pb", 10, "2019-05-01T00:00:00Z"},
            {2, "a", "FR", "ann", "2015-03-01T10:00:00Z", 30, "pa", 5, "2019-06-01T00:00:00Z"},  // the same user
            {3, "c", "DE", "bob", "2016-07-01T00:00:00Z", 17, "pc", 7, "2020-01-01T00:00:00Z"},  // under 18: no group
            {4, "c", "DE", "cy", "2016-12-31T23:59:59Z", 51, "pd", 7, "2020-12-31T23:59:59Z"},   // a follower tie: pc
            {5, "a", "DE", "dee", "2014-01-01T00:00:00Z", 24, "pe", 3, "2017-01-01T00:00:00Z"},  // before 2015, 2018
            {6, null, "DE", "eve", "2020-01-01T00:00:00Z", 36, null, 99, "2021-01-01T00:00:00Z"}, // no category, poster
            {7, "z", null, "fay", "2020-06-01T00:00:00Z", 50, "pz", 1000, "2022-01-01T00:00:00Z"}, // no country
        };
        for (Object[] r : rows) {
            Map<String, Object> pin = new LinkedHashMap<>();
            pin.put("category", r[1]);
            pin.put("poster_name", r[6]);
            pin.put("follower_count", r[7]);
            Map<String, Object> geo = new LinkedHashMap<>();
            geo.put("country", r[2]);
            Document user = new Document("user_name", r[3]).append("date_joined", Date.from(Instant.parse((String) r[4])))
                    .append("age", r[5]);
            posts.insertOne(new Document("ind", r[0]).append("pin", new Document(pin))
                    .append("geo", new Document(geo).append("timestamp", Date.from(Instant.parse((String) r[8]))))
                    .append("user", user));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("ind", r[0]);
            line.put("pin", pin);
            Map<String, Object> lakeGeo = new LinkedHashMap<>(geo);
            lakeGeo.put("timestamp", r[8]);
            line.put("geo", lakeGeo);
            line.put("user", Map.of("user_name", r[3], "date_joined", r[4], "age", r[5]));
            lines.append(JSON.writeValueAsString(line)).append('\n');
        }
        Files.writeString(lake.resolve("posts.ndjson"), lines);

        // list, week, title, author, rank, rank last week, weeks on list
        Object[][] books = {
            {"l1", "2024-05-05", "x", "ax", 1, 2, 10}, {"l1", "2024-05-05", "y", "ay", 2, 1, 3},
            {"l1", "2024-05-12", "x", "ax", 2, 1, 11}, {"l1", "2024-05-12", "y", "ay", 1, 2, 4},
            {"l1", "2024-05-12", "z", "az", 3, 0, 1},   // new this week: no movement
            {"l1", "2024-05-12", "w", "aw", 4, 4, 20},  // no change
            {"l2", "2024-05-12", "q", "aq", 2, 2, 5}, {"l2", "2024-05-12", "p", "ap", 1, 3, 5},  // a weeks tie: p
        };
        StringBuilder bookLines = new StringBuilder();
        for (Object[] b : books) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("list_name_encoded", b[0]);
            line.put("published_date", b[1] + "T00:00:00Z");
            line.put("title", b[2]);
            line.put("author", b[3]);
            line.put("rank", b[4]);
            line.put("rank_last_week", b[5]);
            line.put("weeks_on_list", b[6]);
            bookLines.append(JSON.writeValueAsString(line)).append('\n');
            Document d = new Document(line);
            d.put("published_date", Date.from(Instant.parse(b[1] + "T00:00:00Z")));
            client.getDatabase("caravan").getCollection("bestsellers").insertOne(d);
        }
        Files.writeString(lake.resolve("bestsellers.ndjson"), bookLines);

        // id, competition, status, home, away, score home, score away
        Object[][] matches = {
            {1, "PL", "FINISHED", "A", "B", 2, 0}, {2, "PL", "FINISHED", "B", "C", 1, 1},
            {3, "PL", "IN_PLAY", "A", "C", 0, 3}, {4, "CL", "FINISHED", "D", "E", 0, 1},
        };
        StringBuilder matchLines = new StringBuilder();
        for (Object[] m : matches) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("match_id", m[0]);
            line.put("competition_code", m[1]);
            line.put("status", m[2]);
            line.put("home_team", m[3]);
            line.put("away_team", m[4]);
            line.put("score_home", m[5]);
            line.put("score_away", m[6]);
            matchLines.append(JSON.writeValueAsString(line)).append('\n');
            client.getDatabase("caravan").getCollection("matches").insertOne(new Document(line));
        }
        Files.writeString(lake.resolve("matches.ndjson"), matchLines);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void theMostPopularCategoryPerCountryGoesToTheFirstNameOnATie() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("country", "DE", "category", "c", "category_count", 2L),
                Map.of("country", "FR", "category", "a", "category_count", 1L));

        bothEnginesAnswer("popular-category-by-country", want);
    }

    @Test
    void readmeShowsTheMetricItRunsInDuckDbAsTheFileIs() throws Exception {
        String file = Files.readString(Path.of("metrics/popular-category-by-country.yaml"));

        assertThat(Files.readString(Path.of("README.md"))).contains("```yaml\n" + file + "```");
    }

    @Test
    void usersJoinedPerYearCountsAUserOnceAndOnlyFrom2015To2020() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("join_year", 2015L, "number_users_joined", 1L),
                Map.of("join_year", 2016L, "number_users_joined", 2L),
                Map.of("join_year", 2020L, "number_users_joined", 2L));

        bothEnginesAnswer("users-joined-per-year", want);
    }

    @Test
    void postsPerCategoryPerYearAndTheTopOneCountFrom2018To2022() throws Exception {
        List<Map<String, Object>> perYear = List.of(
                Map.of("post_year", 2019L, "category", "a", "category_count", 1L),
                Map.of("post_year", 2019L, "category", "b", "category_count", 1L),
                Map.of("post_year", 2020L, "category", "c", "category_count", 2L),
                Map.of("post_year", 2022L, "category", "z", "category_count", 1L));
        List<Map<String, Object>> top = List.of(
                Map.of("post_year", 2019L, "category", "a", "category_count", 1L),
                Map.of("post_year", 2020L, "category", "c", "category_count", 2L),
                Map.of("post_year", 2022L, "category", "z", "category_count", 1L));

        bothEnginesAnswer("posts-per-category-per-year", perYear);
        bothEnginesAnswer("top-category-per-year", top);
    }

    @Test
    void ageGroupsHaveInclusiveBoundsAndUnder18sHaveNone() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("age_group", "18-24", "category", "a", "category_count", 1L),
                Map.of("age_group", "25-35", "category", "a", "category_count", 1L),
                Map.of("age_group", "36-50", "category", "z", "category_count", 1L),
                Map.of("age_group", "50+", "category", "c", "category_count", 1L));

        bothEnginesAnswer("popular-category-by-age-group", want);
    }

    @Test
    void theMostFollowedPosterPerCountryGoesToTheFirstNameOnATie() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("country", "DE", "poster_name", "pc", "follower_count", 7L),
                Map.of("country", "FR", "poster_name", "pb", "follower_count", 10L));

        bothEnginesAnswer("most-followed-user-by-country", want);
    }

    @Test
    void mediansAreExactTheMeanOfTheTwoMiddleValuesForAnEvenCount() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("age_group", "18-24", "median_follower_count", 3.0),
                Map.of("age_group", "25-35", "median_follower_count", 7.5),
                Map.of("age_group", "36-50", "median_follower_count", 549.5),
                Map.of("age_group", "50+", "median_follower_count", 7.0));

        bothEnginesAnswer("median-followers-by-age-group", want);
    }

    @Test
    void mediansByJoiningYearAndAgeGroupCountFrom2015To2020() throws Exception {
        List<Map<String, Object>> byYear = List.of(
                Map.of("join_year", 2015L, "median_follower_count", 7.5),
                Map.of("join_year", 2016L, "median_follower_count", 7.0),
                Map.of("join_year", 2020L, "median_follower_count", 549.5));
        List<Map<String, Object>> byYearAndGroup = List.of(
                Map.of("join_year", 2015L, "age_group", "25-35", "median_follower_count", 7.5),
                Map.of("join_year", 2016L, "age_group", "50+", "median_follower_count", 7.0),
                Map.of("join_year", 2020L, "age_group", "36-50", "median_follower_count", 549.5));

        bothEnginesAnswer("median-followers-by-join-year", byYear);
        bothEnginesAnswer("median-followers-by-join-year-and-age-group", byYearAndGroup);
    }

    @Test
    void theBookWithTheMostWeeksPerListGoesToTheFirstTitleOnATie() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("list", "l1", "title", "w", "author", "aw", "weeks_on_list", 20L),
                Map.of("list", "l2", "title", "p", "author", "ap", "weeks_on_list", 5L));

        bothEnginesAnswer("nyt-most-weeks-per-list", want);
    }

    @Test
    void rankMoversAreTheLatestWeeksChangesBiggestClimbFirst() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("list", "l1", "published_date", "2024-05-12", "title", "y", "rank", 1L, "rank_last_week", 2L,
                        "movement", 1L),
                Map.of("list", "l1", "published_date", "2024-05-12", "title", "x", "rank", 2L, "rank_last_week", 1L,
                        "movement", -1L),
                Map.of("list", "l2", "published_date", "2024-05-12", "title", "p", "rank", 1L, "rank_last_week", 3L,
                        "movement", 2L));

        bothEnginesAnswer("nyt-rank-movers", want);
    }

    @Test
    void theLeagueTableCountsFinishedMatchesOnly() throws Exception {
        List<Map<String, Object>> want = List.of(
                team("CL", "E", 1, 1, 0, 0, 1, 0), team("CL", "D", 1, 0, 0, 1, 0, 1),
                team("PL", "A", 1, 1, 0, 0, 2, 0), team("PL", "C", 1, 0, 1, 0, 1, 1),
                team("PL", "B", 2, 0, 1, 1, 1, 3));

        bothEnginesAnswer("football-league-table", want);
    }

    /** The metric's pipeline in MongoDB and its SQL in DuckDB both answer exactly want, in its order. */
    private static void bothEnginesAnswer(String metric, List<Map<String, Object>> want) throws Exception {
        assertThat(live(metric)).as("live " + metric).isEqualTo(want);
        assertThat(batch(metric)).as("batch " + metric).isEqualTo(want);
    }

    private static Map<String, Object> team(String competition, String team, long played, long won, long drawn,
            long lost, long goalsFor, long goalsAgainst) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("competition", competition);
        row.put("team", team);
        row.put("played", played);
        row.put("won", won);
        row.put("drawn", drawn);
        row.put("lost", lost);
        row.put("goals_for", goalsFor);
        row.put("goals_against", goalsAgainst);
        row.put("goal_difference", goalsFor - goalsAgainst);
        row.put("points", 3 * won + drawn);
        return row;
    }

    @Test
    void theShippedSqlKeepsToWhatSparkSqlAlsoReads() {
        assertThat(metrics).hasSizeGreaterThanOrEqualTo(12);
        for (DeclaredMetric m : metrics.values()) {
            String sql = m.sql().toUpperCase(java.util.Locale.ROOT);
            assertThat(sql).as(m.name()).doesNotContain("QUALIFY", "EXCLUDE", "::", "\"", "STRFTIME", "STRUCT_PACK");
        }
    }

    @Test
    void aDeclarationThatMakesNoSenseIsRefusedInOneLineNamingItsFile() {
        assertThatThrownBy(() -> DeclaredMetric.parse("name: Bad Name\ndescription: x\n", "metrics/bad.yaml"))
                .hasMessage("metrics/bad.yaml: name 'Bad Name' must be kebab-case (a-z, 0-9, -)");
        assertThatThrownBy(() -> DeclaredMetric.parse("""
                name: ok
                description: x
                live: {collection: posts, pipeline: [{match: {}}]}
                batch: {sql: SELECT 1}
                """, "metrics/ok.yaml")).hasMessageStartingWith("metrics/ok.yaml: each live.pipeline stage is one $operator");
        assertThatThrownBy(() -> DeclaredMetric.parse("""
                name: ok
                description: x
                live: {collection: posts, pipeline: [{$match: {}}]}
                """, "metrics/ok.yaml")).hasMessage("metrics/ok.yaml: batch is missing: {sql}");
    }

    private static List<Map<String, Object>> live(String name) {
        DeclaredMetric m = metrics.get(name);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Document d : client.getDatabase("caravan").getCollection(m.collection()).aggregate(m.pipeline())) {
            Map<String, Object> row = new LinkedHashMap<>();
            d.forEach((k, v) -> row.put(k, v instanceof Integer i ? (Object) i.longValue() : v));
            out.add(row);
        }
        return out;
    }

    private static List<Map<String, Object>> batch(String name) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            s.execute("SET TimeZone = 'UTC'");
            for (String view : List.of("posts", "bestsellers", "matches")) {
                s.execute("CREATE VIEW " + view + " AS SELECT * FROM read_json_auto('" + lake.resolve(view + ".ndjson")
                        + "')");
            }
            try (ResultSet r = s.executeQuery(metrics.get(name).sql())) {
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        Object v = r.getObject(i);
                        row.put(r.getMetaData().getColumnLabel(i), v instanceof Number n && !(v instanceof Double)
                                ? (Object) n.longValue() : v);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
