// MongoDB sink benchmark: how fast Caravan's streams-to-mongo route drains a backlog of pins from Kafka into the
// embedded MongoDB, measured against plain MongoDB driver writes to that same server in the same run.
//
// Run from the repository root: bash bench/mongo-sink.sh [--records=N] [--batch=N] ...
// (bench/bench.sh compiles this file with BenchKit.java and runs it, and the app, from a snapshot of
// target/caravan.jar). See bench/README.md, section "MongoDB sink benchmark". Never run in CI; nothing asserts on
// these numbers.
package bench;

import static bench.BenchKit.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;

public final class MongoSinkBench {

    static final String TOPIC = "caravan.pins"; // the pins flow's topic
    static final String DLQ_TOPIC = "caravan.pins.dlq"; // + caravan.dlq.suffix
    static final String GROUP = "caravan-mongo"; // caravan.mongo.group
    static final String DATABASE = "caravan"; // caravan.mongodb.database
    static final String COLLECTION = "pins"; // the pins flow's collection
    static final String KEY = "unique_id"; // the pins flow's businessKey
    static final double TARGET = 0.60; // sink records/s >= 60 % of raw insertMany docs/s
    static final long POLL_MS = 500; // how often the stored document count is read during the sink phase
    static final Set<String> PLACEHOLDERS = Set.of("No description available Story format", "No Title Data Available",
            "User Info Error", "Image src error.", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e", "No description available");

    static int records;
    static int batch;
    static int sinkTimeoutS;
    static int join; // 1: the packaged join of pins into posts stays on (two documents per record)
    static int warmup; // records the sink drains before its clock starts (the JIT compiles meanwhile)
    static Map<String, Object> profile = Map.of(); // the flight recording's summary, when --jfr-s > 0

    public static void main(String[] args) {
        runMain(args, "mongo-sink.sh", MongoSinkBench::run);
    }

    static int run(Options opts) throws Exception {
        records = opts.positive("records", 200_000);
        batch = opts.positive("batch", 500);
        sinkTimeoutS = opts.sinkPhases("sink-timeout-s");
        join = opts.zeroOrMore("join", 0);
        warmup = opts.zeroOrMore("warmup", 20_000);
        opts.done();

        Machine machine = Machine.describe("MongoDB sink benchmark");
        say("records=%d pins of %d B in %s, batch=%d (the sink's caravan.mongo.batch-size and the raw batches)",
                records, RECORD_BYTES, TOPIC, batch);

        Path tmp = Files.createTempDirectory("caravan-mongo-sink-bench-");
        App app = null;
        double sink;
        Map<String, Double> raw;
        String loadBeforeSink;
        String loadBeforeRaw;
        try {
            // HTTP, Kafka and MongoDB keep their ports over the restart
            Launch launch = Launch.in(tmp, AppPorts.free(3), readyTimeoutS);
            // the first --warmup records only warm the sink up; its clock and the raw writes cover the --records after
            Records pins = Records.pins(warmup + records, 42);

            // 1. pre-load: the app runs with a sink that reads nothing, so the backlog waits in Kafka untouched
            app = launch.start("work-preload", Map.of("CARAVAN_MONGO_GROUP", "bench-idle-" + UUID.randomUUID(),
                    "CARAVAN_MONGO_FLOWS", ""));
            preload(launch.ports().bootstrap(), pins);
            app.stop("pre-load");
            app = null;

            // 2. the sink, with the packaged routes and default settings, drains the backlog after a restart
            loadBeforeSink = loadAverage();
            SinkRun run = sinkPhase(launch);
            app = run.app();
            sink = run.recordsPerS();

            // 3. the raw limits: the MongoDB driver against the same server, after the sink is done
            settle(app, settleS, "raw MongoDB writes");
            loadBeforeRaw = loadAverage();
            raw = rawPhases(app, pins);
        } finally {
            if (app != null) {
                app.stop("end");
            }
            deleteTree(tmp);
        }

        ratios(sink, raw);
        loadRow("at start", machine.loadAtStart());
        loadRow("before the sink phase", loadBeforeSink);
        loadRow("before the raw writes", loadBeforeRaw);
        RESULTS.printTable(machine);
        printProfile();
        Json sections = new Json().put("load_average_at_start", machine.loadJson())
                .put("config", new Json().put("records", records).put("batch", batch).put("record_bytes", RECORD_BYTES)
                        .put("topic", TOPIC).put("partitions", PARTITIONS)
                        .put("collection", DATABASE + "." + COLLECTION).put("poll_ms", POLL_MS)
                        .put("sink_timeout_s", sinkTimeoutS).put("raw_timeout_s", rawTimeoutS)
                        .put("settle_s", settleS).put("jfr_s", jfrS).put("join", join).put("warmup", warmup))
                .put("targets", new Json().put("sink_min_percent_of_raw_insert_many", TARGET * 100));
        if (!profile.isEmpty()) {
            sections.put("profile", Recording.json(profile, 1));
        }
        RESULTS.writeJson("mongo-sink", machine, sections);
        return 0;
    }

    static void ratios(double sink, Map<String, Double> raw) {
        Double insert = raw.get("insert");
        Double indexed = raw.get("indexed");
        Double upsert = raw.get("upsert");
        if (insert != null) {
            ratio("sink ÷ raw insertMany", sink, insert, String.format(Locale.ROOT, ">= %.0f %%", TARGET * 100),
                    sink >= TARGET * insert);
        }
        if (indexed != null) {
            ratio("sink ÷ raw insertMany with unique index", sink, indexed, "", null);
        }
        if (insert != null && indexed != null) {
            // what the unique index alone leaves of insertMany: no writer that keeps business keys unique gets above it
            ratio("idempotent ceiling: raw insertMany with index ÷ without", indexed, insert, "", null);
        }
        if (upsert != null) {
            ratio("sink ÷ raw upsert bulkWrite", sink, upsert, "", null);
        }
    }

    /** Produces the records to the stream topic with a plain KafkaProducer, keyed by unique_id like the ingest API. */
    static void preload(String bootstrap, Records pins) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            createTopics(admin, PARTITIONS, TOPIC);
        }
        say("pre-load: producing %d pins to %s ...", pins.size(), TOPIC);
        try (Producer producer = new Producer(bootstrap, "bench-preload", 300_000)) {
            double s = producer.sendAll(TOPIC, pins, "pre-load") / 1e9;
            say("pre-load: %d records (%d B on average) in %.2f s = %.0f records/s", pins.size(), pins.averageBytes(),
                    s, pins.size() / s);
            result("pre-load produce (not a target, for reference)", pins.size() / s, "records/s", "");
        }
        long end = recordsIn(bootstrap, TOPIC);
        if (end != pins.size()) {
            throw new IllegalStateException(TOPIC + " holds " + end + " records after the pre-load, expected "
                    + pins.size() + " (was the data directory not empty?)");
        }
    }

    record SinkRun(App app, double recordsPerS) {
    }

    /**
     * Restarts the app on the backlog with only the MongoDB sink working, and times it from the warm-up's last document
     * (or from ready without a warm-up) until every document is stored; then checks what must hold at the end.
     */
    static SinkRun sinkPhase(Launch launch) throws Exception {
        int total = warmup + records;
        try (MongoClient poller = mongoClient(launch.ports().mongoUri(), 2, 10)) {
            MongoCollection<Document> stored = poller.getDatabase(DATABASE).getCollection(COLLECTION);
            // the count command: the server answers it from the collection's size; countDocuments() is an aggregation
            // that reads every document, and would load the server being measured every 500 ms
            Counter counter = new Counter("sink", "documents", total, POLL_MS, () -> countOrNone(stored));
            // the count is read from the moment the process starts, so documents written before "ready" show
            App app = launch.start("work-sink", sinkEnv(), counter.thread);
            say("sink: Caravan ready %d ms after start; waiting for %d documents in %s.%s (deadline %d s) ...",
                    ms(app.readyNs - app.startNs), records, DATABASE, COLLECTION, sinkTimeoutS);
            Recording jfr = jfrS > 0 ? sinkRecording(app, launch.base().resolve("mongo-sink.jfr")) : null;
            long cpuStartApp = processCpuNs(app.pid());
            long cpuStartNs = System.nanoTime();
            long cpuEndApp;
            long cpuEndNs;
            try {
                counter.await(app, "sink phase", app.readyNs, app.readyNs + TimeUnit.SECONDS.toNanos(sinkTimeoutS),
                        jfr, Math.max(1, warmup + records / 10));
            } finally {
                cpuEndApp = processCpuNs(app.pid()); // before the profile's thread dump and file, which cost CPU
                cpuEndNs = System.nanoTime();
                if (jfr != null) {
                    jfr.stop();
                }
            }
            double rate = sinkRows(app, counter);
            if (cpuStartApp >= 0 && cpuEndApp >= 0) {
                double cores = (cpuEndApp - cpuStartApp) / (double) (cpuEndNs - cpuStartNs);
                say("sink: CPU of the app (sink, broker, MongoDB server) %.2f cores", cores);
                result("sink, CPU of app (sink, broker, MongoDB server)", cores, "cores", "");
            }
            checkSink(app);
            if (jfr != null) {
                jfr.summarise();
            }
            return new SinkRun(app, rate);
        }
    }

    /** The count command's answer, or -1 while the server is not listening yet. */
    static long countOrNone(MongoCollection<Document> coll) {
        try {
            return coll.estimatedDocumentCount();
        } catch (RuntimeException notYet) {
            return -1;
        }
    }

    /**
     * Only the MongoDB sink works: the lake sink (which reads the same topic) and the pollers stay idle, as the app is
     * idle during the raw writes. Without --join=1 the sink stores exactly the documents the raw variants insert (one
     * per record); with it, also the joined post of each pin (caravan.mongo.join.parts).
     */
    static Map<String, String> sinkEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CARAVAN_MONGO_BATCH_SIZE", String.valueOf(batch));
        env.put("CARAVAN_LAKE_FLOWS", "");
        env.put("CARAVAN_POLL_ENABLED", "false");
        if (join == 0) {
            env.put("CARAVAN_FLOWS_PINS_JOININTO", "");
        }
        return env;
    }

    /** The timed part's rows from the counter's readings; returns the sink's records/s. */
    static double sinkRows(App app, Counter counter) {
        List<Sample> all = counter.samples();
        int total = warmup + records;
        Sample done = firstWith(all, total);
        if (done == null) {
            throw new IllegalStateException("the sink stored " + counter.count() + " of " + total + " documents within "
                    + sinkTimeoutS + " s of ready (--sink-timeout-s); the end of the app's log:\n" + tail(app.log, 30));
        }
        Sample first = firstWith(all, 1);
        long atReady = countAt(all, app.readyNs);
        // the clock starts once the warm-up records are stored (at ready without a warm-up)
        Sample warm = warmup > 0 ? firstWith(all, warmup) : null;
        long clockNs = warm != null ? warm.nanos() : app.readyNs;
        long counted = total - (warm != null ? warm.count() : 0);
        double s = (done.nanos() - clockNs) / 1e9;
        double rate = counted / s;
        say("sink: %d documents %.1f s after %s = %.0f records/s (first document %+d ms from ready, %d already"
                + " stored at ready)", counted, s, warm != null ? "the warm-up's " + warm.count() : "ready", rate,
                ms(first.nanos() - app.readyNs), atReady);
        result("caravan start-up to ready (restart on the backlog)", ms(app.readyNs - app.startNs), "ms", "");
        result("sink: documents stored at ready", atReady, "docs", "");
        result("sink: first document after ready", ms(first.nanos() - app.readyNs), "ms", "");
        if (warm != null) {
            result("sink: ready to the end of the warm-up (" + warm.count() + " documents)",
                    (warm.nanos() - app.readyNs) / 1e9, "s", "");
        }
        result("sink: " + counted + " documents after the warm-up", s, "s", "");
        result("sink (" + TOPIC + " -> " + COLLECTION + ", batch " + batch + ", after " + warmup + " warm-up records)",
                rate, "records/s", "");
        double fromReady = total / ((done.nanos() - app.readyNs) / 1e9);
        result("sink, all " + total + " records from ready (JIT warm-up included)", fromReady, "records/s", "");
        // the rate early and late: the H2-backed collection and its unique index grow while the sink writes
        result("sink, first tenth of the timed documents", rateBetween(all, first, warmup, warmup + records / 10),
                "records/s", "");
        result("sink, last tenth of the timed documents", rateBetween(all, first, total - records / 10, total),
                "records/s", "");
        return rate;
    }

    /** What must hold at the end: every document stored once, offsets committed, no dead letters. */
    static void checkSink(App app) throws Exception {
        try (MongoClient client = mongoClient(app.ports.mongoUri(), 10, 120)) {
            MongoDatabase db = client.getDatabase(DATABASE);
            long stored = db.getCollection(COLLECTION).countDocuments();
            if (stored != warmup + records) {
                throw new IllegalStateException(DATABASE + "." + COLLECTION + " holds " + stored
                        + " documents, expected " + (warmup + records));
            }
            long lag = waitForNoLag(app.ports.bootstrap(), GROUP, TOPIC, Duration.ofSeconds(30));
            say("sink: consumer group %s lag on %s: %d", GROUP, TOPIC, lag);
            result("sink: consumer lag of " + GROUP + " at the end", lag, "records",
                    "0: " + (lag == 0 ? "OK" : "NOT OK"));
            long deadLetters = recordsIn(app.ports.bootstrap(), DLQ_TOPIC);
            result("sink: dead letters (" + DLQ_TOPIC + ")", deadLetters, "records",
                    "0: " + (deadLetters == 0 ? "OK" : "NOT OK"));
            batchesFromMetrics(app);
            long posts = db.getCollection("posts").estimatedDocumentCount();
            result("sink: joined posts stored (the pins flow's joinInto)", posts, "documents",
                    join == 0 ? "0 without --join=1: " + (posts == 0 ? "OK" : "NOT OK") : "");
        }
    }

    static long countAt(List<Sample> samples, long nanos) {
        long c = 0;
        for (Sample s : samples) {
            if (s.nanos() > nanos) {
                break;
            }
            c = s.count();
        }
        return c;
    }

    /** Documents/s between the samples where the count first reached {@code from} and {@code to}. */
    static double rateBetween(List<Sample> samples, Sample first, long from, long to) {
        Sample a = from <= first.count() ? first : firstWith(samples, from);
        Sample b = firstWith(samples, to);
        if (a == null || b == null || b.nanos() <= a.nanos()) {
            return 0;
        }
        return (b.count() - a.count()) / ((b.nanos() - a.nanos()) / 1e9);
    }

    /** Records in a topic (the sum of its end offsets); 0 if it does not exist. */
    static long recordsIn(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return 0;
            }
            return endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Exchanges of a route in the Prometheus text: the name depends on camel.metrics.naming-strategy. */
    static final Pattern EXCHANGES = Pattern.compile(
            "^(?:CamelExchangesTotal_total|camel_exchanges_total)\\{([^}]*)\\}\\s+([0-9.eE+]+)", Pattern.MULTILINE);

    /** Exchanges of the sink route (one per polled batch) from the app's metrics: how full its batches were. */
    static void batchesFromMetrics(App app) {
        try {
            Matcher m = EXCHANGES.matcher(app.get("/observe/metrics", 10).body());
            double exchanges = -1;
            while (m.find()) {
                if (m.group(1).contains("routeId=\"streams-to-mongo\"")) {
                    exchanges = Double.parseDouble(m.group(2));
                }
            }
            if (exchanges > 0) {
                say("sink: %d batches (exchanges of streams-to-mongo), %.0f records per batch on average",
                        (long) exchanges, (warmup + records) / exchanges);
                result("sink: batches (route exchanges)", exchanges, "batches", "");
                result("sink: records per batch, average", (warmup + records) / exchanges, "records", "");
            } else {
                say("sink: no camel_exchanges_total for streams-to-mongo in /observe/metrics: batch count unknown");
            }
        } catch (IOException | RuntimeException e) {
            say("sink: could not read /observe/metrics (%s): batch count unknown", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The three plain-driver variants on the timed records, one after the other, each into its own collection. */
    static Map<String, Double> rawPhases(App app, Records pins) throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        try (MongoClient client = mongoClient(app.ports.mongoUri(), 10, rawTimeoutS)) {
            MongoDatabase db = client.getDatabase(DATABASE);
            // untimed warm-up of the client code paths, one batch of each kind
            long w0 = System.nanoTime();
            MongoCollection<Document> warm = db.getCollection("bench_raw_warmup");
            uniqueIndex(warm);
            int warmTo = Math.min(warmup + batch, warmup + records);
            warm.insertMany(cleanAll(pins, warmup, warmTo));
            warm.bulkWrite(upserts(cleanAll(pins, warmup, warmTo)), new BulkWriteOptions().ordered(false));
            say("raw: warm-up %d ms", ms(System.nanoTime() - w0));

            rates.put("insert", rawVariant(app, db.getCollection("bench_raw"), pins, false, false,
                    "raw insertMany (batch " + batch + ", no index)"));
            rates.put("indexed", rawVariant(app, db.getCollection("bench_raw_indexed"), pins, true, false,
                    "raw insertMany (batch " + batch + ", unique index on " + KEY + ")"));
            rates.put("upsert", rawVariant(app, db.getCollection("bench_raw_upsert"), pins, true, true,
                    "raw upsert bulkWrite (batch " + batch + ", unique index on " + KEY + ")"));
        }
        return rates;
    }

    static double rawVariant(App app, MongoCollection<Document> coll, Records pins, boolean index, boolean upsert,
            String what) {
        if (index) {
            uniqueIndex(coll);
        }
        // documents are cleaned before the clock starts (insertMany adds an _id to each, so every variant gets its own)
        List<Document> docs = cleanAll(pins, warmup, warmup + records);
        System.gc();
        say("%s: %d docs ...", what, docs.size());
        Cpu cpu = Cpu.start(app);
        Batches batches = Batches.write(docs, batch, rawTimeoutS, what, slice -> write(coll, slice, upsert));
        long stored = coll.estimatedDocumentCount();
        if (batches.written() != docs.size() || stored != docs.size()) {
            throw new IllegalStateException(what + ": wrote " + batches.written() + ", stored " + stored
                    + ", expected " + docs.size());
        }
        double s = batches.nanos() / 1e9;
        double rate = docs.size() / s;
        say("%s: %d docs in %.2f s = %.0f docs/s (slowest batch %d ms)", what, docs.size(), s, rate,
                batches.slowestMs());
        result(what, rate, "docs/s", "");
        String shortName = upsert ? "raw upsert" : index ? "raw insertMany, index" : "raw insertMany";
        result(shortName + ", first tenth of the docs", batches.tenthRate(false), "docs/s", "");
        result(shortName + ", last tenth of the docs", batches.tenthRate(true), "docs/s", "");
        cpu.report(shortName, batches.nanos(), "app (MongoDB server)", "driver");
        return rate;
    }

    /** One call: an unordered bulkWrite of upserts, or an insertMany; returns the documents written. */
    static long write(MongoCollection<Document> coll, List<Document> slice, boolean upsert) {
        if (upsert) {
            var r = coll.bulkWrite(upserts(slice), new BulkWriteOptions().ordered(false));
            return r.getUpserts().size() + r.getModifiedCount();
        }
        return coll.insertMany(slice).getInsertedIds().size();
    }

    static void uniqueIndex(MongoCollection<Document> coll) {
        coll.createIndex(Indexes.ascending(KEY), new IndexOptions().unique(true).name("business_key"));
    }

    static List<WriteModel<Document>> upserts(List<Document> docs) {
        List<WriteModel<Document>> models = new ArrayList<>(docs.size());
        for (Document d : docs) {
            models.add(new ReplaceOneModel<>(Filters.eq(KEY, d.get(KEY)), d, new ReplaceOptions().upsert(true)));
        }
        return models;
    }

    static List<Document> cleanAll(Records pins, int from, int to) {
        List<Document> docs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            docs.add(clean(Document.parse(pins.json(i))));
        }
        return docs;
    }

    /**
     * Roughly what the sink stores for a pin (the pins flow's rules): index as ind, follower_count as a number,
     * placeholder texts as null, save_location as the path only, downloaded as a boolean. Close enough in shape and
     * size.
     */
    static Document clean(Document raw) {
        Document out = new Document();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            Object v = e.getValue() instanceof String s && PLACEHOLDERS.contains(s.trim()) ? null : e.getValue();
            switch (e.getKey()) {
                case "index" -> out.put("ind", v);
                case "follower_count" -> out.put("follower_count", followers(v));
                case "save_location" -> {
                    String s = v == null ? null : v.toString();
                    out.put("save_location", s == null || s.indexOf('/') < 0 ? s : s.substring(s.indexOf('/')));
                }
                case "downloaded" -> out.put("downloaded", v instanceof Number n ? n.intValue() != 0 : null);
                default -> out.put(e.getKey(), v);
            }
        }
        return out;
    }

    static Long followers(Object v) {
        if (v == null) {
            return null;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        long mult = s.endsWith("k") ? 1_000 : s.endsWith("m") ? 1_000_000 : 1;
        if (mult > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(s) * mult);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The app during the sink phase, started once a tenth of the documents is stored (see Recording). */
    static Recording sinkRecording(App app, Path file) {
        // the sink's consumer thread is named after all the topics it reads, the pins flow's among them
        Recording jfr = new Recording(app.pid(), file, jfrS, new Focus("sink_thread",
                thread -> thread.contains("KafkaConsumer[") && thread.contains(TOPIC),
                List.of("dev.caravan.", "de.bwaldvogel.", "org.h2.", "com.mongodb.", "org.bson.", "org.apache.camel.",
                        "org.apache.kafka.", "com.fasterxml."),
                List.of("dev.caravan.", "com.fasterxml.", "org.bson.", "com.mongodb.", "org.apache.kafka.",
                        "org.apache.camel.component.", "org.apache.camel.processor.", "org.apache.camel.support."),
                "documents"));
        profile = jfr.profile;
        return jfr;
    }

    static void printProfile() {
        if (profile.isEmpty()) {
            return;
        }
        System.out.printf(Locale.ROOT, "profile of the app during the sink phase: %s s recorded, app CPU %s cores,"
                + " %s CPU samples of Java code, %s GCs with %s ms of pauses%n", profile.get("recorded_seconds"),
                profile.get("process_cpu_cores"), profile.get("cpu_samples"), profile.get("gc_count"),
                profile.get("gc_pause_ms"));
        Recording.print(profile, "Caravan, Camel, Kafka, MongoDB, H2, BSON, Jackson", new String[][] {
                {"sink_thread_top_self_frames",
                        "the sink route's consumer thread: top frames (self, % of its samples)"},
                {"sink_thread_top_inclusive_methods",
                        "the sink route's consumer thread: methods on the stack (inclusive, % of its samples)"}});
    }
}
