package dev.caravan.metrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import dev.caravan.api.ProblemException;
import dev.caravan.sink.mongo.CollectionWrites;
import dev.caravan.support.OrderedMap;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static com.mongodb.client.model.Filters.eq;

/**
 * The analytics: every metric is a declaration ({@link MetricFiles}), kept current from MongoDB (the stream: its
 * pipeline, run by the database) and recomputed from the lake's clean zone (the batch: its SQL, run by DuckDB over
 * all history, {@link LakeSql}), the two compared row by row. Results live in MongoDB (collection
 * caravan.metrics.collection), so every replica answers the same; no source document is read into this heap.
 */
public final class Metrics {

    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final MongoDatabase db;
    private final MongoCollection<Document> results;
    private final MetricFiles declared;
    private final LakeSql lakeSql;
    private final java.util.function.Supplier<String> posts;
    private final Clock clock;
    private final CollectionWrites writes;
    private final RefreshGate gate;

    /**
     * @param posts         the joined posts' collection (the flows' joinInto): a recompute reports its complete posts
     * @param writes        the MongoDB sink's writes, and
     * @param idleRefreshMs when a refresh is skipped ({@link RefreshGate}); 0 = never skip
     */
    public Metrics(MongoClient client, String database, String collection, MetricFiles declared, LakeSql lakeSql,
            java.util.function.Supplier<String> posts, Clock clock, CollectionWrites writes, long idleRefreshMs) {
        this.db = client.getDatabase(database);
        this.results = db.getCollection(collection);
        this.gate = new RefreshGate(idleRefreshMs);
        this.declared = declared;
        this.lakeSql = lakeSql;
        this.posts = posts;
        this.clock = clock;
        this.writes = writes;
    }

    /** The timer route: every metric from what MongoDB holds now. */
    public synchronized int refreshStream() {
        List<DeclaredMetric> metrics = declared.all();
        long version = writes.version(metrics.stream().map(DeclaredMetric::collection).distinct().toList());
        if (!gate.open(clock.millis(), version)) {
            return 0;
        }
        int refreshed = computeStream(metrics);
        gate.refreshed(clock.millis());
        return refreshed;
    }

    private int computeStream(List<DeclaredMetric> metrics) {
        Date now = Date.from(clock.instant());
        int refreshed = 0;
        for (DeclaredMetric m : metrics) {
            List<Map<String, Object>> rows;
            try {
                rows = live(m);
            } catch (MongoException e) {
                LOG.warn("Metric {}: its pipeline failed: {}", m.name(), e.getMessage());
                continue;
            }
            results.updateOne(eq("_id", m.name()), new Document("$set", new Document("stream",
                    new Document("computedAt", now).append("rows", docs(rows)))
                    .append("description", m.description())), new com.mongodb.client.model.UpdateOptions().upsert(true));
            refreshed++;
        }
        return refreshed;
    }

    /**
     * POST /api/v1/metrics/recompute and the daily batch: every metric's SQL over the lake's clean zone, stored beside
     * its pipeline's answer computed at the same moment, with their differences.
     */
    public synchronized Map<String, Object> recompute() {
        Date now = Date.from(clock.instant());
        List<Map<String, Object>> report = new ArrayList<>();
        boolean allAgree = true;
        List<DeclaredMetric> metrics = declared.all();
        long t0 = System.nanoTime();
        List<LakeSql.Result> answers = lakeSql.query(metrics.stream().map(DeclaredMetric::sql).toList());
        long batchNanos = System.nanoTime() - t0;
        long streamNanos = 0;
        for (int i = 0; i < metrics.size(); i++) {
            DeclaredMetric m = metrics.get(i);
            long t1 = System.nanoTime();
            List<Map<String, Object>> stream = live(m);
            streamNanos += System.nanoTime() - t1;
            allAgree &= compare(m.name(), m.description(), stream, answers.get(i).rows(), answers.get(i).error(),
                    now, report);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("computedAt", now.toInstant().toString());
        out.put("agree", allAgree);
        // what each engine took: every pipeline in MongoDB (a refresh's work), every query in DuckDB
        out.put("took", Map.of("streamMs", streamNanos / 1_000_000, "batchMs", batchNanos / 1_000_000));
        out.put("posts", Map.of("stream", postsInMongo(), "batch", postsInLake()));
        out.put("metrics", report);
        return out;
    }

    /** The live side of a metric: its pipeline, run by MongoDB. */
    private List<Map<String, Object>> live(DeclaredMetric m) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Document d : db.getCollection(m.collection()).aggregate(m.pipeline())) {
            rows.add(plainDocument(d));
        }
        return rows;
    }

    /** Stores a metric's stream and batch rows with their differences; true when they agree. */
    private boolean compare(String name, String description, List<Map<String, Object>> s,
            List<Map<String, Object>> b, String batchError, Date now, List<Map<String, Object>> report) {
        List<String> onlyStream = minus(s, b);
        List<String> onlyBatch = minus(b, s);
        boolean agree = batchError == null && onlyStream.isEmpty() && onlyBatch.isEmpty()
                && canonical(s).equals(canonical(b));
        Document differences = new Document("onlyInStream", onlyStream.stream().limit(20).toList())
                .append("onlyInBatch", onlyBatch.stream().limit(20).toList())
                .append("count", onlyStream.size() + onlyBatch.size());
        if (batchError != null) {
            differences.append("batchError", batchError);
        }
        results.replaceOne(eq("_id", name), new Document("_id", name)
                .append("description", description)
                .append("stream", new Document("computedAt", now).append("rows", docs(s)))
                .append("batch", new Document("computedAt", now).append("rows", docs(b)))
                .append("agree", agree)
                .append("differences", differences), new ReplaceOptions().upsert(true));
        Map<String, Object> r = OrderedMap.of("name", name, "agree", agree, "streamRows", s.size(),
                "batchRows", b.size(), "differences", onlyStream.size() + onlyBatch.size());
        if (batchError != null) {
            r.put("batchError", batchError);
        }
        report.add(r);
        if (!agree) {
            LOG.warn("Metric {}: stream and batch disagree ({} rows only in the stream, {} only in the lake{})",
                    name, onlyStream.size(), onlyBatch.size(), batchError == null ? "" : "; " + batchError);
        }
        return agree;
    }

    /** Complete posts (all three parts) in MongoDB, counted by the database. */
    private long postsInMongo() {
        return db.getCollection(posts.get()).countDocuments(com.mongodb.client.model.Filters.and(
                com.mongodb.client.model.Filters.exists("pin"), com.mongodb.client.model.Filters.exists("geo"),
                com.mongodb.client.model.Filters.exists("user")));
    }

    /** Complete posts in the lake's posts view, counted by DuckDB; -1 when it cannot say (no lake files yet). */
    private long postsInLake() {
        LakeSql.Result r = lakeSql.query(List.of("SELECT count(*) AS n FROM " + LakeSql.ident(posts.get()))).get(0);
        return r.error() != null || r.rows().isEmpty() ? -1 : ((Number) r.rows().get(0).get("n")).longValue();
    }

    /** Every metric's name and description, as the files say now. */
    private Map<String, String> described() {
        Map<String, String> out = new LinkedHashMap<>();
        declared.all().forEach(m -> out.put(m.name(), m.description()));
        return out;
    }

    /** GET /api/v1/metrics. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Document> stored = new HashMap<>();
        for (Document d : results.find()) {
            stored.put(d.getString("_id"), d);
        }
        for (Map.Entry<String, String> m : described().entrySet()) {
            Document d = stored.get(m.getKey());
            Map<String, Object> r = OrderedMap.of("name", m.getKey(), "description", m.getValue(),
                    "computedAt", d == null ? null : at(d.get("stream", Document.class)),
                    "batchComputedAt", d == null ? null : at(d.get("batch", Document.class)),
                    "agree", d == null ? null : d.get("agree"));
            out.add(r);
        }
        return out;
    }

    /** GET /api/v1/metrics/{name}: the stream result, and the last batch result with the comparison. */
    public Map<String, Object> get(String name) {
        String description = described().get(name);
        if (description == null) {
            throw new ProblemException(404, "Not Found", "no metric named '" + name + "'; GET /api/v1/metrics lists them");
        }
        Document d;
        try {
            d = results.find(eq("_id", name)).first();
        } catch (MongoException e) {
            throw new IllegalStateException("MongoDB did not answer", e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("description", description);
        Document stream = d == null ? null : d.get("stream", Document.class);
        out.put("computedAt", at(stream));
        out.put("rows", stream == null ? List.of() : plain(stream.getList("rows", Document.class)));
        Document batch = d == null ? null : d.get("batch", Document.class);
        if (batch != null) {
            Map<String, Object> b = OrderedMap.of("computedAt", at(batch), "agree", d.get("agree"),
                    "differences", d.get("differences"), "rows", plain(batch.getList("rows", Document.class)));
            out.put("batch", b);
        }
        return out;
    }

    private static Map<String, Object> plainDocument(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        d.forEach((k, v) -> out.put(k, v instanceof Document inner ? plainDocument(inner) : v));
        return out;
    }

    private static List<Document> docs(List<Map<String, Object>> rows) {
        return rows.stream().map(Document::new).toList();
    }

    private static List<Map<String, Object>> plain(List<Document> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Document d : rows) {
            out.add(new LinkedHashMap<>(d));
        }
        return out;
    }

    private static String at(Document part) {
        return part == null || part.getDate("computedAt") == null ? null : part.getDate("computedAt").toInstant().toString();
    }

    private static List<String> minus(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        Set<String> other = new LinkedHashSet<>(canonical(b));
        List<String> out = new ArrayList<>();
        for (String row : canonical(a)) {
            if (!other.contains(row)) {
                out.add(row);
            }
        }
        return out;
    }

    private static List<String> canonical(List<Map<String, Object>> rows) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            try {
                out.add(CANONICAL.writeValueAsString(r));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
