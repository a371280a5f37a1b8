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
            // ind, category, country, user, joined
            {1, "b", "FR", "ann", "2015-03-01T10:00:00Z"},
            {2, "a", "FR", "ann", "2015-03-01T10:00:00Z"},   // the same user again: counted once
            {3, "c", "DE", "bob", "2016-07-01T00:00:00Z"},
            {4, "c", "DE", "cy", "2016-12-31T23:59:59Z"},
            {5, "a", "DE", "dee", "2014-01-01T00:00:00Z"},   // joined before 2015: not in users-joined-per-year
            {6, null, "DE", "eve", "2020-01-01T00:00:00Z"},  // no category: not in popular-category-by-country
            {7, "z", null, "fay", "2020-06-01T00:00:00Z"},   // no country: neither
        };
        for (Object[] r : rows) {
            Map<String, Object> pin = new LinkedHashMap<>();
            pin.put("category", r[1]);
            Map<String, Object> geo = new LinkedHashMap<>();
            geo.put("country", r[2]);
            Document user = new Document("user_name", r[3]).append("date_joined", Date.from(Instant.parse((String) r[4])));
            posts.insertOne(new Document("ind", r[0]).append("pin", new Document(pin)).append("geo", new Document(geo))
                    .append("user", user));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("ind", r[0]);
            line.put("pin", pin);
            line.put("geo", geo);
            line.put("user", Map.of("user_name", r[3], "date_joined", r[4]));
            lines.append(JSON.writeValueAsString(line)).append('\n');
        }
        Files.writeString(lake.resolve("posts.ndjson"), lines);
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

        assertThat(live("popular-category-by-country")).isEqualTo(want);
        assertThat(batch("popular-category-by-country")).isEqualTo(want);
    }

    @Test
    void usersJoinedPerYearCountsAUserOnceAndOnlyFrom2015To2020() throws Exception {
        List<Map<String, Object>> want = List.of(
                Map.of("join_year", 2015L, "number_users_joined", 1L),
                Map.of("join_year", 2016L, "number_users_joined", 2L),
                Map.of("join_year", 2020L, "number_users_joined", 2L));

        assertThat(live("users-joined-per-year")).isEqualTo(want);
        assertThat(batch("users-joined-per-year")).isEqualTo(want);
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
            s.execute("CREATE VIEW posts AS SELECT * FROM read_json_auto('" + lake.resolve("posts.ndjson") + "')");
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
