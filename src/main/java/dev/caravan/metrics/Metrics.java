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
import dev.caravan.sink.lake.LakeReader;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static com.mongodb.client.model.Filters.eq;

/**
 * The analytics, kept current from MongoDB (the stream: the joined posts, bestsellers and matches as the sinks store
 * them) and recomputed from the lake's clean zone (the batch: all history), both through the same Analytics functions.
 * Results live in MongoDB (collection caravan.metrics.collection), so every replica answers the same.
 */
public final class Metrics {

    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Where the facts are: MongoDB collections and the lake topics of each kind. */
    public record Sources(String posts, String bestsellers, String matches, String pinsTopic, String geoTopic,
            String usersTopic, String bestsellersTopic, String matchesTopic) {

        /** The seed flows' collections and topics, as their flow files declare them now (empty: no such flow). */
        public static Sources of(dev.caravan.flow.Flows flows) {
            java.util.function.Function<String, String> topic = n -> {
                dev.caravan.flow.Flow f = flows.named(n);
                return f == null ? "" : f.topic();
            };
            java.util.function.Function<String, String> collection = n -> {
                dev.caravan.flow.Flow f = flows.named(n);
                return f == null || f.mongo() == null ? n : f.mongo().collection();
            };
            dev.caravan.flow.Flow pins = flows.named("pins");
            String posts = pins == null || pins.join() == null ? "posts" : pins.join().into();
            return new Sources(posts, collection.apply("bestsellers"), collection.apply("matches"),
                    topic.apply("pins"), topic.apply("geo"), topic.apply("users"), topic.apply("bestsellers"),
                    topic.apply("matches"));
        }
    }

    private final MongoDatabase db;
    private final MongoCollection<Document> results;
    private final LakeReader lake;
    private final java.util.function.Supplier<Sources> sourcesNow;
    private final Clock clock;
    private final CollectionWrites writes;
    private final long idleRefreshMs;
    private MetricFiles declared = new MetricFiles(java.nio.file.Path.of("metrics-not-configured"));
    private LakeSql lakeSql;
    private long lastVersion;
    private long lastRefreshAt = -1;
    private long lastRefreshEnd;
    private long lastRefreshMs;

    /**
     * @param writes        the MongoDB sink's writes: a refresh is skipped while none reached the metrics' sources...
     * @param idleRefreshMs ...for at most this long (other replicas' sinks and other writers are seen then); 0 = never
     *                      skip
     */
    public Metrics(MongoClient client, String database, String collection, LakeReader lake,
            java.util.function.Supplier<Sources> sources,
            Clock clock, CollectionWrites writes, long idleRefreshMs) {
        this.db = client.getDatabase(database);
        this.results = db.getCollection(collection);
        this.lake = lake;
        this.sourcesNow = sources;
        this.clock = clock;
        this.writes = writes;
        this.idleRefreshMs = idleRefreshMs;
    }

    /** The declared metrics (files) and the engine their batch queries run in. */
    public Metrics declaredIn(MetricFiles files, LakeSql sql) {
        this.declared = files;
        this.lakeSql = sql;
        return this;
    }

    /** The declared metrics whose names no built-in metric has (a clash is logged and the built-in stays). */
    private List<DeclaredMetric> declared() {
        Set<String> builtIn = new java.util.HashSet<>();
        Analytics.all().forEach(m -> builtIn.add(m.name()));
        List<DeclaredMetric> out = new ArrayList<>();
        for (DeclaredMetric m : declared.all()) {
            if (builtIn.contains(m.name())) {
                LOG.warn("Metric {} ({}) is left out: a built-in metric has its name", m.name(), m.source());
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** The live side of a declared metric: its pipeline, run by MongoDB. */
    private List<Map<String, Object>> live(DeclaredMetric m) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Document d : db.getCollection(m.collection()).aggregate(m.pipeline())) {
            rows.add(plainDocument(d));
        }
        return rows;
    }

    private static Map<String, Object> plainDocument(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        d.forEach((k, v) -> out.put(k, v instanceof Document inner ? plainDocument(inner) : v));
        return out;
    }

    // ------------------------------------------------------------------ stream and batch

    /** The timer route: every metric from what MongoDB holds now. */
    public synchronized int refreshStream() {
        long now = clock.millis();
        Sources sources = sourcesNow.get();
        long version = writes.version(List.of(sources.posts(), sources.bestsellers(), sources.matches()));
        if (lastRefreshAt >= 0 && idleRefreshMs > 0) {
            // a refresh reads every source document: not again while nothing changed, and never more than a tenth of
            // the time (a large collection on a slow server would otherwise be scanned back to back)
            boolean unchanged = version == lastVersion && now - lastRefreshAt < idleRefreshMs;
            boolean tooSoon = now - lastRefreshEnd < 9 * lastRefreshMs;
            if (unchanged || tooSoon) {
                return 0;
            }
        }
        lastVersion = version; // read before the sources: a write during the refresh brings the next one
        lastRefreshAt = now;
        int refreshed = computeStream();
        lastRefreshEnd = clock.millis();
        lastRefreshMs = lastRefreshEnd - now;
        return refreshed;
    }

    private int computeStream() {
        Rows.Dataset data = fromMongo();
        Date now = Date.from(clock.instant());
        for (Analytics.Metric m : Analytics.all()) {
            results.updateOne(eq("_id", m.name()), new Document("$set", new Document("stream",
                    new Document("computedAt", now).append("rows", docs(m.compute().apply(data))))
                    .append("description", m.description())), new com.mongodb.client.model.UpdateOptions().upsert(true));
        }
        int declaredCount = 0;
        for (DeclaredMetric m : declared()) {
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
            declaredCount++;
        }
        return Analytics.all().size() + declaredCount;
    }

    /**
     * POST /api/v1/metrics/recompute and the daily batch: every metric from the lake's clean zone, stored beside a
     * stream result computed at the same moment, with their differences.
     */
    public synchronized Map<String, Object> recompute() {
        Rows.Dataset batch = fromLake();
        Rows.Dataset stream = fromMongo();
        Date now = Date.from(clock.instant());
        List<Map<String, Object>> report = new ArrayList<>();
        boolean allAgree = true;
        for (Analytics.Metric m : Analytics.all()) {
            allAgree &= compare(m.name(), m.description(), m.compute().apply(stream), m.compute().apply(batch), null,
                    now, report);
        }
        List<DeclaredMetric> declaredNow = declared();
        List<LakeSql.Result> answers = declaredNow.isEmpty() ? List.of()
                : lakeSql.query(declaredNow.stream().map(DeclaredMetric::sql).toList());
        for (int i = 0; i < declaredNow.size(); i++) {
            DeclaredMetric m = declaredNow.get(i);
            allAgree &= compare(m.name(), m.description(), live(m), answers.get(i).rows(), answers.get(i).error(),
                    now, report);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("computedAt", now.toInstant().toString());
        out.put("agree", allAgree);
        out.put("posts", Map.of("stream", stream.posts().size(), "batch", batch.posts().size()));
        out.put("metrics", report);
        return out;
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
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("agree", agree);
        r.put("streamRows", s.size());
        r.put("batchRows", b.size());
        r.put("differences", onlyStream.size() + onlyBatch.size());
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

    /** Every metric's name and description: the built-in ones, then the declared ones. */
    private Map<String, String> described() {
        Map<String, String> out = new LinkedHashMap<>();
        Analytics.all().forEach(m -> out.put(m.name(), m.description()));
        declared().forEach(m -> out.put(m.name(), m.description()));
        return out;
    }

    // ------------------------------------------------------------------ API

    /** GET /api/v1/metrics. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Document> stored = new HashMap<>();
        for (Document d : results.find()) {
            stored.put(d.getString("_id"), d);
        }
        for (Map.Entry<String, String> m : described().entrySet()) {
            Document d = stored.get(m.getKey());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", m.getKey());
            r.put("description", m.getValue());
            r.put("computedAt", d == null ? null : at(d.get("stream", Document.class)));
            r.put("batchComputedAt", d == null ? null : at(d.get("batch", Document.class)));
            r.put("agree", d == null ? null : d.get("agree"));
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
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("computedAt", at(batch));
            b.put("agree", d.get("agree"));
            b.put("differences", d.get("differences"));
            b.put("rows", plain(batch.getList("rows", Document.class)));
            out.put("batch", b);
        }
        return out;
    }

    // ------------------------------------------------------------------ reading the facts

    /** A topic's clean zone; a flow not declared (no topic) has none. */
    private List<Map<String, Object>> cleanZone(String topic) {
        return topic == null || topic.isEmpty() ? List.of() : lake.clean(topic);
    }

    Rows.Dataset fromMongo() {
        Sources sources = sourcesNow.get();
        List<Rows.Post> posts = new ArrayList<>();
        for (Document d : db.getCollection(sources.posts()).find()) {
            Document pin = d.get("pin", Document.class);
            Document geo = d.get("geo", Document.class);
            Document user = d.get("user", Document.class);
            if (pin != null && geo != null && user != null && d.get("ind") instanceof Number ind) {
                posts.add(Rows.post(ind.longValue(), pin, geo, user));
            }
        }
        List<Rows.Book> books = new ArrayList<>();
        db.getCollection(sources.bestsellers()).find().forEach(d -> books.add(Rows.book(d)));
        List<Rows.Match> matches = new ArrayList<>();
        db.getCollection(sources.matches()).find().forEach(d -> matches.add(Rows.match(d)));
        return new Rows.Dataset(posts, books, matches);
    }

    /**
     * The same facts from the clean zone: per business key the last record in offset order (what the MongoDB sink's
     * upserts keep), matches merged and guarded by last_updated as the sink does, posts joined by ind.
     */
    Rows.Dataset fromLake() {
        Sources sources = sourcesNow.get();
        Map<Object, Map<String, Object>> pins = latest(cleanZone(sources.pinsTopic()), r -> r.get("unique_id"));
        Map<Object, Map<String, Object>> geo = latest(cleanZone(sources.geoTopic()),
                r -> List.of(String.valueOf(r.get("ind")), String.valueOf(r.get("timestamp"))));
        Map<Object, Map<String, Object>> users = latest(cleanZone(sources.usersTopic()), r -> key(r.get("ind")));
        Map<Object, Map<String, Object>> pinByInd = new HashMap<>();
        pins.values().forEach(p -> pinByInd.put(key(p.get("ind")), p));
        Map<Object, Map<String, Object>> geoByInd = new HashMap<>();
        geo.values().forEach(g -> geoByInd.put(key(g.get("ind")), g));
        List<Rows.Post> posts = new ArrayList<>();
        for (Map.Entry<Object, Map<String, Object>> e : pinByInd.entrySet()) {
            Map<String, Object> g = geoByInd.get(e.getKey());
            Map<String, Object> u = users.get(e.getKey());
            if (g != null && u != null && e.getKey() instanceof Long ind) {
                posts.add(Rows.post(ind, e.getValue(), g, u));
            }
        }
        List<Rows.Book> books = new ArrayList<>();
        latest(cleanZone(sources.bestsellersTopic()), r -> List.of(String.valueOf(r.get("list_name_encoded")),
                String.valueOf(r.get("published_date")), String.valueOf(r.get("book_key"))))
                .values().forEach(b -> books.add(Rows.book(b)));
        List<Rows.Match> matches = new ArrayList<>();
        Map<Object, Map<String, Object>> merged = new LinkedHashMap<>();
        for (Map<String, Object> r : ordered(cleanZone(sources.matchesTopic()))) {
            Object id = key(r.get("match_id"));
            Map<String, Object> stored = merged.get(id);
            if (stored == null) {
                merged.put(id, new LinkedHashMap<>(r));
            } else if (newer(r.get("last_updated"), stored.get("last_updated"))) {
                stored.putAll(r);
            }
        }
        merged.values().forEach(m -> matches.add(Rows.match(m)));
        return new Rows.Dataset(posts, books, matches);
    }

    private static boolean newer(Object version, Object stored) {
        if (version == null || stored == null) {
            return true;
        }
        return version.toString().compareTo(stored.toString()) > 0;
    }

    private static Map<Object, Map<String, Object>> latest(List<Map<String, Object>> records,
            java.util.function.Function<Map<String, Object>, Object> key) {
        Map<Object, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> r : ordered(records)) {
            out.put(key.apply(r), r);
        }
        return out;
    }

    private static List<Map<String, Object>> ordered(List<Map<String, Object>> records) {
        List<Map<String, Object>> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt((Map<String, Object> r) -> ((Number) r.get("_partition")).intValue())
                .thenComparingLong(r -> ((Number) r.get("_offset")).longValue()));
        return sorted;
    }

    private static Object key(Object v) {
        return v instanceof Number n ? (Object) n.longValue() : v;
    }

    // ------------------------------------------------------------------ helpers

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
