// MongoDB sink benchmark: how fast Caravan's streams-to-mongo route drains a backlog of pins from Kafka into the
// embedded MongoDB, measured against plain MongoDB driver writes to that same server in the same run.
//
// Run from the repository root (the fat jar supplies the Kafka and MongoDB clients; the app runs as a child process):
//   java -Xms512m -cp target/caravan.jar bench/MongoSinkBench.java [--records=N] [--batch=N] ...
// (the app is started from -Dbench.jar, default target/caravan.jar; bench/mongo-sink.sh points both at a snapshot)
// or simply: bash bench/mongo-sink.sh [args]
// See bench/README.md, section "MongoDB sink benchmark". Never run in CI; nothing asserts on these numbers.

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.caravan.embedded.Ports;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.bson.Document;

public class MongoSinkBench {

    static final String HOST = "127.0.0.1";
    static final String TOPIC = "caravan.pins"; // the pins flow's topic
    static final String DLQ_TOPIC = "caravan.pins.dlq"; // + caravan.dlq.suffix
    static final String GROUP = "caravan-mongo"; // caravan.mongo.group
    static final String DATABASE = "caravan"; // caravan.mongodb.database
    static final String COLLECTION = "pins"; // the pins flow's collection
    static final String KEY = "unique_id"; // the pins flow's businessKey
    static final int PARTITIONS = 3; // Caravan's default for the topics its embedded broker creates
    static final int RECORD_BYTES = 600;
    static final double TARGET = 0.60; // sink records/s >= 60 % of raw insertMany docs/s
    static final long POLL_MS = 500; // how often the stored document count is read during the sink phase
    static final double SETTLED_CORES = 0.25;
    static final Set<String> PLACEHOLDERS = Set.of("No description available Story format", "No Title Data Available",
            "User Info Error", "Image src error.", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e", "No description available");

    // knobs: --name=value argument, else -Dbench.name=value, else the default
    static int records;
    static int batch;
    static int sinkTimeoutS;
    static int rawTimeoutS;
    static int readyTimeoutS;
    static int settleS;
    static int jfrS;
    static int warmup; // records the sink drains before its clock starts (the JIT compiles meanwhile)
    static int join; // 1: the packaged join of pins into posts stays on (two documents per record)

    static final List<String[]> RESULTS = new ArrayList<>(); // {metric, value, unit, target}
    static final Map<String, Object> PROFILE = new LinkedHashMap<>(); // JFR summary, when --jfr-s > 0
    static long appPid = -1;

    public static void main(String[] args) {
        int status = 0;
        try {
            status = run(args);
        } catch (Throwable e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        // the Kafka and MongoDB clients leave non-daemon threads behind
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        records = intOpt(opts, "records", 200_000);
        batch = intOpt(opts, "batch", 500);
        sinkTimeoutS = intOpt(opts, "sink-timeout-s", 900);
        rawTimeoutS = intOpt(opts, "raw-timeout-s", 600);
        readyTimeoutS = intOpt(opts, "ready-timeout-s", 120);
        settleS = intOpt(opts, "settle-s", 30);
        jfrS = intOpt(opts, "jfr-s", 0);
        join = intOpt(opts, "join", 0);
        warmup = intOpt(opts, "warmup", 20_000);
        if (!opts.isEmpty()) {
            usage("unknown option(s): " + opts.keySet());
        }

        // the jar's log4j2.xml logs INFO to stdout; a benchmark only wants warnings and its own lines
        Configurator.setRootLevel(Level.WARN);

        // bench/mongo-sink.sh passes a snapshot of target/caravan.jar, so a rebuild during the run cannot break it
        Path jar = Path.of(System.getProperty("bench.jar", "target/caravan.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it with mvn -B -q package -DskipTests");
        }
        String nproc = nproc();
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String loadAtStart = loadAverage();
        String startedAt = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        say("MongoDB sink benchmark: nproc=%s, java=%s, max heap=%d MB, load average at start %s", nproc, java,
                Runtime.getRuntime().maxMemory() >> 20, loadAtStart);
        say("records=%d pins of %d B in %s, batch=%d (the sink's caravan.mongo.batch-size and the raw batches)",
                records, RECORD_BYTES, TOPIC, batch);

        Path tmp = Files.createTempDirectory("caravan-mongo-sink-bench-");
        App app = null;
        double sink;
        Map<String, Double> raw = new LinkedHashMap<>();
        String loadBeforeSink;
        String loadBeforeRaw;
        try {
            Path dataDir = Files.createDirectories(tmp.resolve("data"));
            int[] ports = distinctFreePorts(3);
            int httpPort = ports[0];
            int kafkaPort = ports[1];
            int mongoPort = ports[2];
            String bootstrap = HOST + ":" + kafkaPort;
            String mongoUri = "mongodb://" + HOST + ":" + mongoPort;

            // records are built before any clock starts: the sink and the drivers are measured, not JSON building
            // the first --warmup records only warm the sink up; both the sink's clock and the raw writes cover the
            // --records after them
            int total = warmup + records;
            String[] keys = new String[total];
            String[] jsons = new String[total];
            Random rnd = new Random(42);
            for (int i = 0; i < total; i++) {
                keys[i] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
                jsons[i] = pinJson(i, keys[i], rnd);
            }

            // 1. pre-load: the app runs with a sink that reads nothing, so the backlog waits in Kafka untouched
            Map<String, String> idle = Map.of(
                    "CARAVAN_MONGO_GROUP", "bench-idle-" + UUID.randomUUID(),
                    "CARAVAN_MONGO_FLOWS", "");
            app = App.start(jar, tmp, "work-preload", dataDir, httpPort, kafkaPort, mongoPort, idle, null);
            appPid = app.proc.pid();
            preload(bootstrap, keys, jsons);
            app.stop("pre-load");
            app = null;

            // 2. the sink, with the packaged routes and default settings, drains the backlog after a restart
            loadBeforeSink = loadAverage();
            SinkRun run = sinkPhase(jar, tmp, dataDir, httpPort, kafkaPort, mongoPort, mongoUri, bootstrap);
            app = run.app;
            sink = run.recordsPerS;

            // 3. the raw limits: the MongoDB driver against the same server, after the sink is done
            settle("raw MongoDB writes");
            loadBeforeRaw = loadAverage();
            raw = rawPhases(mongoUri, Arrays.copyOfRange(jsons, warmup, total));
        } finally {
            if (app != null) {
                app.stop("end");
            }
            deleteTree(tmp);
        }

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

        // other work on the machine skews every number: keep the load seen before each phase next to the results
        RESULTS.add(new String[] {"load average (1 min) at start", loadAtStart, "", ""});
        RESULTS.add(new String[] {"load average (1 min) before the sink phase", loadBeforeSink, "", ""});
        RESULTS.add(new String[] {"load average (1 min) before the raw writes", loadBeforeRaw, "", ""});
        printTable(nproc, java);
        printProfile();
        Path out = writeJson(startedAt, nproc, java, loadAtStart);
        say("results written to %s", Path.of("").toAbsolutePath().relativize(out.toAbsolutePath()));
        return 0;
    }

    // ---------------------------------------------------------------- 1. pre-load

    /** Produces the records to the stream topic with a plain KafkaProducer, keyed by unique_id like the ingest API. */
    static void preload(String bootstrap, String[] keys, String[] jsons) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            try {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-preload");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        say("pre-load: producing %d pins to %s ...", keys.length, TOPIC);
        long bytes = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            AtomicLong failed = new AtomicLong();
            AtomicReference<Exception> firstError = new AtomicReference<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < keys.length; i++) {
                byte[] value = jsons[i].getBytes(StandardCharsets.UTF_8);
                bytes += value.length;
                producer.send(new ProducerRecord<>(TOPIC, keys[i], value), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            double s = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " pre-load sends failed", firstError.get());
            }
            say("pre-load: %d records (%d B on average) in %.2f s = %.0f records/s", keys.length,
                    bytes / Math.max(1, keys.length), s, keys.length / s);
            result("pre-load produce (not a target, for reference)", keys.length / s, "records/s", "");
        }
        long end = endOffsets(bootstrap, TOPIC).values().stream().mapToLong(Long::longValue).sum();
        if (end != keys.length) {
            throw new IllegalStateException(TOPIC + " holds " + end + " records after the pre-load, expected "
                    + keys.length + " (was the data directory not empty?)");
        }
    }

    // ---------------------------------------------------------------- 2. the sink

    record SinkRun(App app, double recordsPerS) {
    }

    record Sample(long nanos, long count) {
    }

    static SinkRun sinkPhase(Path jar, Path tmp, Path dataDir, int httpPort, int kafkaPort, int mongoPort,
            String mongoUri, String bootstrap) throws Exception {
        // the stored count is read from the moment the process starts, so documents written before "ready" show
        List<Sample> samples = new ArrayList<>();
        AtomicBoolean stopPolling = new AtomicBoolean();
        AtomicReference<Throwable> pollerFailure = new AtomicReference<>();
        MongoClient poller = mongoClient(mongoUri, 2, 10);
        Thread pollThread = new Thread(() -> {
            try {
                MongoCollection<Document> pins = poller.getDatabase(DATABASE).getCollection(COLLECTION);
                long next = System.nanoTime();
                while (!stopPolling.get()) {
                    try {
                        // the count command: the server answers it from the collection's size. countDocuments() is
                        // an aggregation, which the embedded server answers by reading every document, so polling
                        // it every 500 ms would load the server being measured (it is used once, at the end)
                        long n = pins.estimatedDocumentCount();
                        synchronized (samples) {
                            samples.add(new Sample(System.nanoTime(), n));
                        }
                        if (n >= warmup + records) {
                            return;
                        }
                    } catch (RuntimeException notYet) {
                        // the server is not listening yet
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(POLL_MS);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else {
                        next = System.nanoTime();
                    }
                }
            } catch (Throwable e) {
                pollerFailure.set(e);
            }
        }, "bench-count-poller");
        pollThread.setDaemon(true);

        // only the MongoDB sink works: the lake sink (which reads the same topic) and the pollers stay idle, as
        // the app is idle during the raw writes. Without --join=1 the sink stores exactly the documents the raw
        // variants insert (one per record); with it, also the joined post of each pin (caravan.mongo.join.parts).
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CARAVAN_MONGO_BATCH_SIZE", String.valueOf(batch));
        env.put("CARAVAN_LAKE_FLOWS", "");
        env.put("CARAVAN_POLL_ENABLED", "false");
        if (join == 0) {
            env.put("CARAVAN_FLOWS_PINS_JOININTO", "");
        }
        App app = App.start(jar, tmp, "work-sink", dataDir, httpPort, kafkaPort, mongoPort, env, pollThread);
        appPid = app.proc.pid();
        long readyNs = app.readyNs;
        long startNs = app.startNs;
        long cpuStartApp = Cpu.appCpuNs();
        long cpuStartNs = System.nanoTime();
        long cpuEndApp = -1;
        long cpuEndNs = -1;
        say("sink: Caravan ready %d ms after start; waiting for %d documents in %s.%s (deadline %d s) ...",
                ms(readyNs - startNs), records, DATABASE, COLLECTION, sinkTimeoutS);

        Jfr jfr = jfrS > 0 ? new Jfr(app.proc.pid(), tmp.resolve("sink.jfr")) : null;
        long deadline = readyNs + TimeUnit.SECONDS.toNanos(sinkTimeoutS);
        long lastReport = readyNs;
        Sample last = null;
        Sample first = null;
        try {
            while (pollThread.isAlive() && System.nanoTime() < deadline) {
                if (!app.proc.isAlive()) {
                    throw new IllegalStateException("Caravan exited with " + app.proc.exitValue()
                            + " during the sink phase; the end of its log:\n" + tail(app.log, 40));
                }
                Thread.sleep(200);
                synchronized (samples) {
                    last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                    first = firstWith(samples, 1);
                }
                // past the first tenth, so the profile shows the steady state rather than the start (the JIT
                // compiler takes most of a core during the first seconds)
                if (jfr != null && last != null && last.count >= Math.max(1, warmup + records / 10)) {
                    jfr.tick();
                }
                if (last != null && System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(15)) {
                    lastReport = System.nanoTime();
                    say("sink: %d of %d documents after %d s (load average %s)", last.count, warmup + records,
                            TimeUnit.NANOSECONDS.toSeconds(last.nanos - readyNs), loadAverage());
                }
            }
        } finally {
            cpuEndApp = Cpu.appCpuNs(); // before the profile's thread dump and dump file, which cost the app CPU
            cpuEndNs = System.nanoTime();
            stopPolling.set(true);
            pollThread.join(5_000);
            if (jfr != null) {
                jfr.stop();
            }
            poller.close();
        }
        if (pollerFailure.get() != null) {
            throw new IllegalStateException("the count poller failed", pollerFailure.get());
        }
        List<Sample> all;
        synchronized (samples) {
            all = new ArrayList<>(samples);
        }
        int total = warmup + records;
        Sample done = firstWith(all, total);
        if (done == null) {
            long have = all.isEmpty() ? 0 : all.get(all.size() - 1).count;
            throw new IllegalStateException("the sink stored " + have + " of " + total + " documents within "
                    + sinkTimeoutS + " s of ready (--sink-timeout-s); the end of the app's log:\n" + tail(app.log, 30));
        }
        first = firstWith(all, 1);
        long atReady = countAt(all, readyNs);
        // the clock starts once the warm-up records are stored (at ready without a warm-up)
        Sample warm = warmup > 0 ? firstWith(all, warmup) : null;
        long clockNs = warm != null ? warm.nanos : readyNs;
        long counted = total - (warm != null ? warm.count : 0);
        double s = (done.nanos - clockNs) / 1e9;
        double rate = counted / s;
        say("sink: %d documents %.1f s after %s = %.0f records/s (first document %+d ms from ready, %d already"
                + " stored at ready)", counted, s, warm != null ? "the warm-up's " + warm.count : "ready", rate,
                ms(first.nanos - readyNs), atReady);
        result("caravan start-up to ready (restart on the backlog)", ms(readyNs - startNs), "ms", "");
        result("sink: documents stored at ready", atReady, "docs", "");
        result("sink: first document after ready", ms(first.nanos - readyNs), "ms", "");
        if (warm != null) {
            result("sink: ready to the end of the warm-up (" + warm.count + " documents)",
                    (warm.nanos - readyNs) / 1e9, "s", "");
        }
        result("sink: " + counted + " documents after the warm-up", s, "s", "");
        result("sink (" + TOPIC + " -> " + COLLECTION + ", batch " + batch + ", after " + warmup + " warm-up records)",
                rate, "records/s", "");
        double fromReady = total / ((done.nanos - readyNs) / 1e9);
        result("sink, all " + total + " records from ready (JIT warm-up included)", fromReady, "records/s", "");
        // the rate early and late: the H2-backed collection and its unique index grow while the sink writes
        result("sink, first tenth of the timed documents", rateBetween(all, first, warmup, warmup + records / 10),
                "records/s", "");
        result("sink, last tenth of the timed documents", rateBetween(all, first, total - records / 10, total),
                "records/s", "");
        if (cpuStartApp >= 0 && cpuEndApp >= 0) {
            double cores = (cpuEndApp - cpuStartApp) / (double) (cpuEndNs - cpuStartNs);
            say("sink: CPU of the app (sink, broker, MongoDB server) %.2f cores", cores);
            result("sink, CPU of app (sink, broker, MongoDB server)", cores, "cores", "");
        }

        // what must hold at the end: every document stored once, offsets committed, no dead letters
        try (MongoClient client = mongoClient(mongoUri, 10, 120)) {
            long stored = client.getDatabase(DATABASE).getCollection(COLLECTION).countDocuments();
            if (stored != warmup + records) {
                throw new IllegalStateException(DATABASE + "." + COLLECTION + " holds " + stored + " documents, expected "
                        + (warmup + records));
            }
        }
        long lag = waitForNoLag(bootstrap, Duration.ofSeconds(30));
        result("sink: consumer lag of " + GROUP + " at the end", lag, "records", "0: " + (lag == 0 ? "OK" : "NOT OK"));
        long deadLetters = endOffsets(bootstrap, DLQ_TOPIC).values().stream().mapToLong(Long::longValue).sum();
        result("sink: dead letters (" + DLQ_TOPIC + ")", deadLetters, "records", "0: " + (deadLetters == 0 ? "OK" : "NOT OK"));
        batchesFromMetrics(app.httpPort);
        try (MongoClient client = MongoClients.create(mongoUri)) {
            long posts = client.getDatabase(DATABASE).getCollection("posts").estimatedDocumentCount();
            result("sink: joined posts stored (the pins flow's joinInto)", posts, "documents",
                    join == 0 ? "0 without --join=1: " + (posts == 0 ? "OK" : "NOT OK") : "");
        }
        if (jfr != null) {
            jfr.summarise();
        }
        return new SinkRun(app, rate);
    }

    static Sample firstWith(List<Sample> samples, long count) {
        for (Sample s : samples) {
            if (s.count >= count) {
                return s;
            }
        }
        return null;
    }

    static long countAt(List<Sample> samples, long nanos) {
        long c = 0;
        for (Sample s : samples) {
            if (s.nanos > nanos) {
                break;
            }
            c = s.count;
        }
        return c;
    }

    /** Documents/s between the samples where the count first reached {@code from} and {@code to}. */
    static double rateBetween(List<Sample> samples, Sample first, long from, long to) {
        Sample a = from <= first.count ? first : firstWith(samples, from);
        Sample b = firstWith(samples, to);
        if (a == null || b == null || b.nanos <= a.nanos) {
            return 0;
        }
        return (b.count - a.count) / ((b.nanos - a.nanos) / 1e9);
    }

    /** Sum of the group's committed offsets against the end offsets; waits for the last commit to land. */
    static long waitForNoLag(String bootstrap, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag;
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, Long> end = endOffsets(admin, TOPIC);
                lag = 0;
                for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    lag += e.getValue() - (c == null ? 0 : c.offset());
                }
                if (lag == 0 || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
        }
        say("sink: consumer group %s lag on %s: %d", GROUP, TOPIC, lag);
        return lag;
    }

    /** Exchanges of a route in the Prometheus text: the name depends on camel.metrics.naming-strategy. */
    static final java.util.regex.Pattern EXCHANGES = java.util.regex.Pattern.compile(
            "^(?:CamelExchangesTotal_total|camel_exchanges_total)\\{([^}]*)\\}\\s+([0-9.eE+]+)",
            java.util.regex.Pattern.MULTILINE);

    /** Exchanges of the sink route (one per polled batch) from the app's metrics: how full its batches were. */
    static void batchesFromMetrics(int httpPort) {
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort + "/observe/metrics"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = EXCHANGES.matcher(body);
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

    // ---------------------------------------------------------------- 3. the raw limits

    /** The three plain-driver variants, one after the other, each into its own empty collection. */
    static Map<String, Double> rawPhases(String mongoUri, String[] jsons) throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        try (MongoClient client = mongoClient(mongoUri, 10, rawTimeoutS)) {
            var db = client.getDatabase(DATABASE);
            // untimed warm-up of the client code paths, one batch of each kind
            long w0 = System.nanoTime();
            MongoCollection<Document> warm = db.getCollection("bench_raw_warmup");
            warm.createIndex(Indexes.ascending(KEY), new IndexOptions().unique(true).name("business_key"));
            warm.insertMany(cleanAll(jsons, 0, Math.min(batch, jsons.length)));
            warm.bulkWrite(upserts(cleanAll(jsons, 0, Math.min(batch, jsons.length))), new BulkWriteOptions().ordered(false));
            say("raw: warm-up %d ms", ms(System.nanoTime() - w0));

            rates.put("insert", rawVariant(db.getCollection("bench_raw"), jsons, false, false,
                    "raw insertMany (batch " + batch + ", no index)"));
            rates.put("indexed", rawVariant(db.getCollection("bench_raw_indexed"), jsons, true, false,
                    "raw insertMany (batch " + batch + ", unique index on " + KEY + ")"));
            rates.put("upsert", rawVariant(db.getCollection("bench_raw_upsert"), jsons, true, true,
                    "raw upsert bulkWrite (batch " + batch + ", unique index on " + KEY + ")"));
        }
        return rates;
    }

    static double rawVariant(MongoCollection<Document> coll, String[] jsons, boolean index, boolean upsert, String what)
            throws Exception {
        if (index) {
            coll.createIndex(Indexes.ascending(KEY), new IndexOptions().unique(true).name("business_key"));
        }
        // documents are cleaned before the clock starts (insertMany adds an _id to each, so every variant gets its own)
        List<Document> docs = cleanAll(jsons, 0, jsons.length);
        System.gc();
        say("%s: %d docs ...", what, docs.size());
        List<long[]> batches = new ArrayList<>(); // {docs, nanos} of each call
        Cpu cpu = Cpu.start();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(rawTimeoutS);
        long written = 0;
        for (int from = 0; from < docs.size(); from += batch) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": only " + written + " of " + docs.size() + " docs within "
                        + rawTimeoutS + " s (--raw-timeout-s)");
            }
            List<Document> slice = docs.subList(from, Math.min(docs.size(), from + batch));
            long b0 = System.nanoTime();
            if (upsert) {
                var r = coll.bulkWrite(upserts(slice), new BulkWriteOptions().ordered(false));
                written += r.getUpserts().size() + r.getModifiedCount();
            } else {
                written += coll.insertMany(slice).getInsertedIds().size();
            }
            batches.add(new long[] {slice.size(), System.nanoTime() - b0});
        }
        long ns = System.nanoTime() - t0;
        long stored = coll.estimatedDocumentCount();
        if (written != docs.size() || stored != docs.size()) {
            throw new IllegalStateException(what + ": wrote " + written + ", stored " + stored + ", expected "
                    + docs.size());
        }
        double s = ns / 1e9;
        double rate = docs.size() / s;
        long slowest = ms(batches.stream().mapToLong(b -> b[1]).max().orElse(0));
        say("%s: %d docs in %.2f s = %.0f docs/s (slowest batch %d ms)", what, docs.size(), s, rate, slowest);
        result(what, rate, "docs/s", "");
        String shortName = upsert ? "raw upsert" : index ? "raw insertMany, index" : "raw insertMany";
        result(shortName + ", first tenth of the docs", sliceRate(batches, docs.size() / 10, false), "docs/s", "");
        result(shortName + ", last tenth of the docs", sliceRate(batches, docs.size() / 10, true), "docs/s", "");
        cpu.report(shortName, ns, "app (MongoDB server)", "driver");
        return rate;
    }

    static List<WriteModel<Document>> upserts(List<Document> docs) {
        List<WriteModel<Document>> models = new ArrayList<>(docs.size());
        for (Document d : docs) {
            models.add(new ReplaceOneModel<>(Filters.eq(KEY, d.get(KEY)), d, new ReplaceOptions().upsert(true)));
        }
        return models;
    }

    /** docs/s over the first (or last) batches that together hold at least minDocs documents. */
    static double sliceRate(List<long[]> batches, long minDocs, boolean fromEnd) {
        long docs = 0;
        long nanos = 0;
        for (int i = 0; i < batches.size() && (docs == 0 || docs < minDocs); i++) {
            long[] b = batches.get(fromEnd ? batches.size() - 1 - i : i);
            docs += b[0];
            nanos += b[1];
        }
        return nanos == 0 ? 0 : docs / (nanos / 1e9);
    }

    static List<Document> cleanAll(String[] jsons, int from, int to) {
        List<Document> docs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            docs.add(clean(Document.parse(jsons[i])));
        }
        return docs;
    }

    /**
     * Roughly what the sink stores for a pin (the pins flow's rules): index as ind, follower_count as a number, placeholder
     * texts as null, save_location as the path only, downloaded as a boolean. Close enough in shape and size.
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

    // ---------------------------------------------------------------- the app as a child process

    static final class App {
        final Process proc;
        final Path log;
        final int httpPort;
        final long startNs;
        long readyNs;
        final Thread hook;

        private App(Process proc, Path log, int httpPort, long startNs, Path base) {
            this.proc = proc;
            this.log = log;
            this.httpPort = httpPort;
            this.startNs = startNs;
            // an interrupted benchmark (Ctrl-C, SIGTERM) must not leave the app, its broker or its data behind
            this.hook = new Thread(() -> {
                if (proc.isAlive()) {
                    System.err.println("[bench] interrupted: stopping Caravan (pid " + proc.pid() + ")");
                    proc.toHandle().destroy();
                    try {
                        if (!proc.waitFor(10, TimeUnit.SECONDS)) {
                            proc.destroyForcibly();
                            proc.waitFor(5, TimeUnit.SECONDS);
                        }
                    } catch (InterruptedException e) {
                        proc.destroyForcibly();
                    }
                }
                deleteTree(base);
            }, "bench-stop-caravan");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /**
         * Starts {@code java -jar} in a fresh empty working directory (so the packaged routes are used) on the given
         * data directory and ports, and waits until ready. {@code atStart}, if given, is started right after the
         * process.
         */
        static App start(Path jar, Path base, String workName, Path dataDir, int httpPort, int kafkaPort, int mongoPort,
                Map<String, String> extraEnv, Thread atStart) throws Exception {
            Path workDir = Files.createDirectories(base.resolve(workName));
            Path log = base.resolve(workName + ".log");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            // stdout and stderr go straight to a file: nothing to drain, and no full pipe can stall the app
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString())
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            // embedded mode with ports of our own, whatever the calling shell has set
            env.keySet().removeIf(k -> k.startsWith("CARAVAN_") || k.equals("KAFKA_BROKERS") || k.startsWith("MONGODB_")
                    || k.startsWith("S3_"));
            env.put("CARAVAN_HTTP_PORT", String.valueOf(httpPort));
            env.put("CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(kafkaPort));
            env.put("CARAVAN_EMBEDDED_MONGO_PORT", String.valueOf(mongoPort));
            env.put("CARAVAN_EMBEDDED_S3_PORT", "0");
            env.put("CARAVAN_DATA_DIR", dataDir.toString());
            env.putAll(extraEnv);

            URI ready = URI.create("http://" + HOST + ":" + httpPort + "/observe/health/ready");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build();

            say("starting java -jar <snapshot of target/caravan.jar> (HTTP %d, Kafka %d, MongoDB %d%s) ...", httpPort,
                    kafkaPort, mongoPort, extraEnv.isEmpty() ? "" : ", " + new java.util.TreeMap<>(extraEnv));
            long t0 = System.nanoTime();
            App app = new App(pb.start(), log, httpPort, t0, base);
            if (atStart != null) {
                atStart.start();
            }
            try {
                long deadline = t0 + TimeUnit.SECONDS.toNanos(readyTimeoutS);
                int lastStatus = -1;
                while (true) {
                    if (!app.proc.isAlive()) {
                        throw new IllegalStateException("Caravan exited with " + app.proc.exitValue()
                                + " before it was ready; the end of its log:\n" + tail(log, 40));
                    }
                    try {
                        lastStatus = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (lastStatus == 200) {
                            break;
                        }
                    } catch (IOException notYet) {
                        // not listening yet
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Caravan not ready within " + readyTimeoutS + " s (last status "
                                + lastStatus + "); the end of its log:\n" + tail(log, 40));
                    }
                    Thread.sleep(100); // poll interval
                }
                app.readyNs = System.nanoTime();
                say("Caravan (pid %d) ready in %d ms", app.proc.pid(), ms(app.readyNs - t0));
                return app;
            } catch (Exception e) {
                app.stop("failed start");
                throw e;
            }
        }

        void stop(String when) throws InterruptedException {
            try {
                if (!proc.isAlive()) {
                    say("Caravan had already exited with %d", proc.exitValue());
                    return;
                }
                long t0 = System.nanoTime();
                // SIGTERM (Camel's graceful shutdown); Process.destroy() would also close the streams to the child
                proc.toHandle().destroy();
                if (proc.waitFor(60, TimeUnit.SECONDS)) {
                    say("Caravan stopped (%s) in %d ms after SIGTERM (exit %d)", when, ms(System.nanoTime() - t0),
                            proc.exitValue());
                } else {
                    say("Caravan did not stop within 60 s of SIGTERM: killing it; the end of its log:\n%s",
                            tail(log, 20));
                    proc.destroyForcibly();
                    if (!proc.waitFor(15, TimeUnit.SECONDS)) {
                        say("WARNING: Caravan (pid %d) still running after SIGKILL", proc.pid());
                    }
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        }
    }

    static int[] distinctFreePorts(int n) {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < n) {
            ports.add(Ports.freePort(HOST));
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Waits (at most --settle-s) until the app is idle, so that what it still does after the sink phase (the last
     * commits, GC, H2's background writer) does not load the next phase. Logs what it saw.
     */
    static void settle(String before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleS);
        double cores = -1;
        int seconds = 0;
        do {
            long a0 = Cpu.appCpuNs();
            long t0 = System.nanoTime();
            Thread.sleep(1000);
            long a1 = Cpu.appCpuNs();
            seconds++;
            if (a0 < 0 || a1 < 0) {
                return; // no /proc: nothing to wait for
            }
            cores = (a1 - a0) / (double) (System.nanoTime() - t0);
        } while (cores > SETTLED_CORES && System.nanoTime() < deadline);
        say("app CPU without load before the %s: %.2f cores (after %d s)%s", before, cores, seconds,
                cores > SETTLED_CORES ? "; still busy at the --settle-s deadline, the phase starts anyway" : "");
        result("app CPU at rest before the " + before, cores, "cores", "");
    }

    /**
     * CPU time of the app (its JVM runs the sink, the embedded broker and the embedded MongoDB server) and of this
     * benchmark during a phase, in cores (1.0 = one core busy the whole phase).
     */
    record Cpu(long appNs, long benchNs) {
        static Cpu start() {
            return new Cpu(appCpuNs(), benchCpuNs());
        }

        void report(String phase, long wallNs, String appLabel, String benchLabel) {
            long app = appCpuNs();
            long bench = benchCpuNs();
            if (app < 0 || appNs < 0 || wallNs <= 0) {
                return; // not on Linux, or not allowed to read it: no CPU rows
            }
            double appCores = (app - appNs) / (double) wallNs;
            result(phase + ", CPU of " + appLabel, appCores, "cores", "");
            if (benchLabel != null && bench >= 0 && benchNs >= 0) {
                double benchCores = (bench - benchNs) / (double) wallNs;
                result(phase + ", CPU of " + benchLabel, benchCores, "cores", "");
                say("%s: CPU %s %.2f cores, %s %.2f cores", phase, appLabel, appCores, benchLabel, benchCores);
            } else {
                say("%s: CPU %s %.2f cores", phase, appLabel, appCores);
            }
        }

        static long appCpuNs() {
            try {
                // /proc/PID/stat: the command is in parentheses and may hold spaces; utime and stime follow it as
                // fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux)
                String stat = Files.readString(Path.of("/proc", String.valueOf(appPid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        static long benchCpuNs() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
            return -1;
        }
    }

    // ---------------------------------------------------------------- optional profile of the sink phase

    /**
     * A flight recording of the app during the sink phase (--jfr-s=N): started once a tenth of the documents is
     * stored, stopped after N seconds or when the sink is done, then summarised: the CPU time of each of the app's threads
     * over that window (from a thread dump at each end, which gives every thread's CPU time, GC and compiler threads
     * included), where the CPU samples of Java code fall (threads, top frames, methods on the stack) and the GC pauses.
     */
    static final class Jfr {
        static final String NAME = "mongo-sink-bench";
        static final java.util.regex.Pattern THREAD = java.util.regex.Pattern.compile(
                "^\"(.*)\"( #\\d+)?.*?\\bcpu=([0-9.]+)ms", java.util.regex.Pattern.MULTILINE);
        final long pid;
        final Path file;
        long startedNs = -1;
        long stoppedNs = -1;
        long appCpuAtStart = -1;
        long appCpuAtStop = -1;
        Map<String, Double> threadMsAtStart = Map.of();
        Map<String, Double> threadMsAtStop = Map.of();
        boolean stopped;

        Jfr(long pid, Path file) {
            this.pid = pid;
            this.file = file;
        }

        void tick() {
            if (stopped) {
                return;
            }
            if (startedNs < 0) {
                jcmd("JFR.start", "name=" + NAME, "settings=profile");
                threadMsAtStart = threadCpuMs();
                appCpuAtStart = Cpu.appCpuNs();
                startedNs = System.nanoTime();
                say("profile: flight recording of the app started for %d s (past the first tenth of the documents)", jfrS);
            } else if (System.nanoTime() - startedNs >= TimeUnit.SECONDS.toNanos(jfrS)) {
                stop();
            }
        }

        void stop() {
            if (startedNs < 0 || stopped) {
                return;
            }
            stopped = true;
            threadMsAtStop = threadCpuMs();
            appCpuAtStop = Cpu.appCpuNs();
            stoppedNs = System.nanoTime();
            jcmd("JFR.stop", "name=" + NAME, "filename=" + file);
            PROFILE.put("recorded_seconds", TimeUnit.NANOSECONDS.toSeconds(stoppedNs - startedNs));
        }

        /** CPU time of every thread of the app so far, in ms, by name and id (Thread.print shows cpu=...ms). */
        Map<String, Double> threadCpuMs() {
            Map<String, Double> ms = new HashMap<>();
            java.util.regex.Matcher m = THREAD.matcher(jcmd("Thread.print"));
            while (m.find()) {
                ms.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
            return ms;
        }

        String jcmd(String... args) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
            cmd.add(String.valueOf(pid));
            cmd.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    say("profile: %s failed: %s", String.join(" ", args), out.strip());
                }
                return out;
            } catch (IOException e) {
                say("profile: cannot run jcmd: %s", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "";
        }

        void summarise() {
            if (!Files.isRegularFile(file)) {
                say("profile: no recording to summarise");
                return;
            }
            double windowMs = (stoppedNs - startedNs) / 1e6;
            if (appCpuAtStart >= 0 && appCpuAtStop >= 0 && windowMs > 0) {
                PROFILE.put("process_cpu_cores", String.format(Locale.ROOT, "%.2f",
                        (appCpuAtStop - appCpuAtStart) / 1e6 / windowMs));
            }
            // threads whose names differ only in digits add up (e.g. the MongoDB server's workers)
            Map<String, Double> cores = new HashMap<>();
            threadMsAtStop.forEach((thread, ms) -> {
                double used = ms - threadMsAtStart.getOrDefault(thread, 0.0);
                String name = threadName(thread.replaceAll(" #\\d+$", ""));
                cores.merge(name, used / windowMs, Double::sum);
            });
            PROFILE.put("thread_cpu_cores", cores.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(12)
                    .map(e -> new String[] {String.format(Locale.ROOT, "%.2f", e.getValue()), e.getKey()})
                    .collect(Collectors.toList()));

            Map<String, Long> self = new HashMap<>();
            Map<String, Long> threads = new HashMap<>();
            Map<String, Long> inclusive = new HashMap<>();
            Map<String, Long> sinkSelf = new HashMap<>(); // the sink route's consumer thread only
            Map<String, Long> sinkInclusive = new HashMap<>();
            long sinkSamples = 0;
            long samples = 0;
            long gcs = 0;
            double gcPauseMs = 0;
            try (RecordingFile rf = new RecordingFile(file)) {
                while (rf.hasMoreEvents()) {
                    RecordedEvent e = rf.readEvent();
                    String type = e.getEventType().getName();
                    if (type.equals("jdk.GarbageCollection")) {
                        gcs++;
                        gcPauseMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
                        continue;
                    }
                    if (!type.equals("jdk.ExecutionSample")) {
                        continue;
                    }
                    samples++;
                    RecordedThread t = e.getThread("sampledThread");
                    String tn = t == null || t.getJavaName() == null ? "?" : threadName(t.getJavaName());
                    threads.merge(tn, 1L, Long::sum);
                    boolean sinkThread = tn.contains("KafkaConsumer[") && tn.contains(TOPIC);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    self.merge(frame(st.getFrames().get(0)), 1L, Long::sum);
                    Set<String> seen = new LinkedHashSet<>();
                    for (RecordedFrame f : st.getFrames()) {
                        String name = frame(f);
                        if (interesting(name) && seen.add(name)) {
                            inclusive.merge(name, 1L, Long::sum);
                        }
                    }
                    if (sinkThread) {
                        sinkSamples++;
                        sinkSelf.merge(frame(st.getFrames().get(0)), 1L, Long::sum);
                        Set<String> mine = new LinkedHashSet<>();
                        for (RecordedFrame f : st.getFrames()) {
                            String name = frame(f);
                            if (ownWork(name) && mine.add(name)) {
                                sinkInclusive.merge(name, 1L, Long::sum);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                say("profile: cannot read the recording: %s", e.getMessage());
                return;
            }
            PROFILE.put("cpu_samples", samples);
            PROFILE.put("gc_count", gcs);
            PROFILE.put("gc_pause_ms", Math.round(gcPauseMs));
            PROFILE.put("threads", top(threads, samples, 10));
            PROFILE.put("top_self_frames", top(self, samples, 20));
            PROFILE.put("top_inclusive_methods", top(inclusive, samples, 30));
            PROFILE.put("sink_thread_samples", sinkSamples);
            PROFILE.put("sink_thread_top_self_frames", top(sinkSelf, sinkSamples, 12));
            PROFILE.put("sink_thread_top_inclusive_methods", top(sinkInclusive, sinkSamples, 25));
        }

        /** Digits as # (numbered threads add up), and no temporary directory in a name (H2's writer has the file). */
        String threadName(String name) {
            return name.replace(file.getParent().toString(), "<temp dir>").replaceAll("\\d+", "#");
        }

        /** Frames of Caravan's own work on the consumer thread: its beans, parsing, BSON, the driver, the consumer. */
        static boolean ownWork(String name) {
            return Stream.of("dev.caravan.", "com.fasterxml.", "org.bson.", "com.mongodb.", "org.apache.kafka.",
                    "org.apache.camel.component.", "org.apache.camel.processor.", "org.apache.camel.support.")
                    .anyMatch(name::startsWith);
        }

        static String frame(RecordedFrame f) {
            return f.getMethod().getType().getName() + "." + f.getMethod().getName();
        }

        /** Frames of the code under test, not the JDK's or the thread plumbing's. */
        static boolean interesting(String name) {
            return Stream.of("dev.caravan.", "de.bwaldvogel.", "org.h2.", "com.mongodb.", "org.bson.",
                    "org.apache.camel.", "org.apache.kafka.", "com.fasterxml.").anyMatch(name::startsWith);
        }

        static List<String[]> top(Map<String, Long> counts, long total, int n) {
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(n)
                    .map(e -> new String[] {String.format(Locale.ROOT, "%.1f", 100.0 * e.getValue() / Math.max(1, total)),
                            e.getKey()})
                    .collect(Collectors.toList());
        }
    }

    @SuppressWarnings("unchecked")
    static void printProfile() {
        if (PROFILE.isEmpty()) {
            return;
        }
        System.out.printf(Locale.ROOT, "profile of the app during the sink phase: %s s recorded, app CPU %s cores,"
                + " %s CPU samples of Java code, %s GCs with %s ms of pauses%n", PROFILE.get("recorded_seconds"),
                PROFILE.get("process_cpu_cores"), PROFILE.get("cpu_samples"), PROFILE.get("gc_count"),
                PROFILE.get("gc_pause_ms"));
        for (String[] section : new String[][] {{"thread_cpu_cores", "CPU of the app's threads over the recording (digits as #)"},
                {"threads", "CPU samples by thread (digits as #)"},
                {"top_self_frames", "top frames (self)"},
                {"top_inclusive_methods", "methods on the stack (inclusive; Caravan, Camel, Kafka, MongoDB, H2, BSON, Jackson)"},
                {"sink_thread_top_self_frames", "the sink route's consumer thread: top frames (self, % of its samples)"},
                {"sink_thread_top_inclusive_methods",
                        "the sink route's consumer thread: methods on the stack (inclusive, % of its samples)"}}) {
            Object rows = PROFILE.get(section[0]);
            if (rows == null) {
                continue;
            }
            System.out.println();
            System.out.println((section[0].equals("thread_cpu_cores") ? "      cores  " : "  % samples  ") + section[1]);
            for (String[] r : (List<String[]>) rows) {
                System.out.printf(Locale.ROOT, "  %9s  %s%n", r[0], r[1]);
            }
        }
        System.out.println();
    }

    // ---------------------------------------------------------------- clients

    static MongoClient mongoClient(String uri, int selectionTimeoutS, int readTimeoutS) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(selectionTimeoutS, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(5, TimeUnit.SECONDS).readTimeout(readTimeoutS, TimeUnit.SECONDS))
                .build();
        return MongoClients.create(settings);
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"));
    }

    static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return Map.of();
            }
            return endOffsets(admin, topic);
        }
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        var desc = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        desc.partitions().forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res =
                admin.listOffsets(req).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        res.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    // ---------------------------------------------------------------- the records

    static final String[] WORDS = {"cozy", "minimal", "rustic", "autumn", "kitchen", "ideas", "easy", "weeknight",
            "dinner", "boho", "living", "room", "small", "space", "garden", "hacks", "vintage", "style", "summer",
            "outfit", "coastal", "bedroom", "watercolor", "sketch", "modern", "farmhouse", "pasta", "vegan", "trail"};
    static final String[] CATEGORIES = {"diy-and-crafts", "home-decor", "travel", "quotes", "beauty", "art",
            "education", "finance", "tattoos", "vehicles"};

    /** A valid pin (pin.schema.json) of RECORD_BYTES bytes (ASCII) with the usual dirty values, padded to size. */
    static String pinJson(int index, String uniqueId, Random rnd) {
        String category = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        String head = "{\"index\":" + index
                + ",\"unique_id\":\"" + uniqueId + "\""
                + ",\"title\":\"No Title Data Available\""
                + ",\"description\":\"";
        String tail = "\",\"poster_name\":\"User Info Error\""
                + ",\"follower_count\":\"" + (1 + rnd.nextInt(999)) + "k\""
                + ",\"tag_list\":\"" + WORDS[rnd.nextInt(WORDS.length)] + "," + WORDS[rnd.nextInt(WORDS.length)] + ","
                + WORDS[rnd.nextInt(WORDS.length)] + "\""
                + ",\"is_image_or_video\":\"image\""
                + ",\"image_src\":\"https://i.pinimg.com/originals/" + String.format("%032x", rnd.nextLong()) + ".jpg\""
                + ",\"downloaded\":" + rnd.nextInt(2)
                + ",\"save_location\":\"Local save in /data/" + category + "\""
                + ",\"category\":\"" + category + "\"}";
        int room = RECORD_BYTES - head.length() - tail.length();
        StringBuilder desc = new StringBuilder(Math.max(0, room));
        while (desc.length() < room) {
            desc.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        desc.setLength(Math.max(0, room));
        return head + desc + tail;
    }

    // ---------------------------------------------------------------- output

    static void ratio(String metric, double rate, double raw, String target, Boolean pass) {
        double pc = raw > 0 ? rate / raw * 100 : 0;
        String t = target.isEmpty() ? "" : target + ": " + (pass ? "PASS" : "MISS");
        result(metric, pc, "% of raw", t);
        say("%s = %.1f %% of raw%s", metric, pc, t.isEmpty() ? "" : " (target " + t + ")");
    }

    static void result(String metric, double value, String unit, String target) {
        String v = value >= 100 || value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%.0f", value)
                : value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
        RESULTS.add(new String[] {metric, v, unit, target});
    }

    static void printTable(String nproc, String java) {
        List<String[]> rows = new ArrayList<>(RESULTS);
        rows.add(new String[] {"nproc", nproc, "cpus", ""});
        rows.add(new String[] {"java", java, "", ""});
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int w1 = rows.stream().filter(r -> !r[0].equals("java")).mapToInt(r -> r[1].length()).max().orElse(8);
        int w2 = Math.max(10, rows.stream().mapToInt(r -> r[2].length()).max().orElse(10));
        System.out.println();
        System.out.println(String.format("%-" + w0 + "s  %" + w1 + "s  %-" + w2 + "s  %s", "metric", "value", "unit",
                "target"));
        System.out.println("-".repeat(w0) + "  " + "-".repeat(w1) + "  " + "-".repeat(w2) + "  " + "-".repeat(16));
        for (String[] r : rows) {
            String line = r[0].equals("java")
                    ? String.format("%-" + w0 + "s  %s", r[0], r[1])
                    : String.format("%-" + w0 + "s  %" + w1 + "s  %-" + w2 + "s  %s", r[0], r[1], r[2], r[3]);
            System.out.println(line.stripTrailing());
        }
        System.out.println();
    }

    @SuppressWarnings("unchecked")
    static Path writeJson(String startedAt, String nproc, String java, String load) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"timestamp\": ").append(q(startedAt)).append(",\n");
        sb.append("  \"nproc\": ").append(nproc.matches("\\d+") ? nproc : q(nproc)).append(",\n");
        sb.append("  \"java\": ").append(q(java)).append(",\n");
        sb.append("  \"load_average_at_start\": ").append(load.matches("[0-9.]+") ? load : q(load)).append(",\n");
        sb.append("  \"config\": {")
                .append("\"records\": ").append(records)
                .append(", \"batch\": ").append(batch)
                .append(", \"record_bytes\": ").append(RECORD_BYTES)
                .append(", \"topic\": ").append(q(TOPIC))
                .append(", \"partitions\": ").append(PARTITIONS)
                .append(", \"collection\": ").append(q(DATABASE + "." + COLLECTION))
                .append(", \"poll_ms\": ").append(POLL_MS)
                .append(", \"sink_timeout_s\": ").append(sinkTimeoutS)
                .append(", \"raw_timeout_s\": ").append(rawTimeoutS)
                .append(", \"settle_s\": ").append(settleS)
                .append(", \"jfr_s\": ").append(jfrS).append(", \"join\": ").append(join).append(", \"warmup\": ").append(warmup).append("},\n");
        sb.append("  \"targets\": {\"sink_min_percent_of_raw_insert_many\": ").append(TARGET * 100).append("},\n");
        if (!PROFILE.isEmpty()) {
            sb.append("  \"profile\": {");
            int i = 0;
            for (Map.Entry<String, Object> e : PROFILE.entrySet()) {
                sb.append(i++ > 0 ? ",\n    " : "\n    ").append(q(e.getKey())).append(": ");
                if (e.getValue() instanceof List<?> rows) {
                    sb.append("[");
                    for (int j = 0; j < rows.size(); j++) {
                        String[] r = (String[]) rows.get(j);
                        sb.append(j > 0 ? ", " : "")
                                .append(e.getKey().equals("thread_cpu_cores") ? "{\"cores\": " : "{\"percent\": ")
                                .append(r[0]).append(", \"name\": ")
                                .append(q(r[1])).append("}");
                    }
                    sb.append("]");
                } else {
                    sb.append(e.getValue());
                }
            }
            sb.append("\n  },\n");
        }
        sb.append("  \"results\": [\n");
        List<String[]> rows = RESULTS;
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            String v = r[1].matches("-?[0-9]+(\\.[0-9]+)?") ? r[1] : q(r[1]);
            sb.append("    {\"metric\": ").append(q(r[0])).append(", \"value\": ").append(v)
                    .append(", \"unit\": ").append(q(r[2]));
            if (!r[3].isEmpty()) {
                sb.append(", \"target\": ").append(q(r[3]));
            }
            sb.append("}").append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        Path dir = Files.createDirectories(Path.of("bench", "results"));
        Path file = dir.resolve("mongo-sink-" + startedAt + ".json");
        Files.writeString(file, sb.toString());
        return file;
    }

    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void say(String fmt, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }

    // ---------------------------------------------------------------- helpers

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static String nproc() {
        try {
            Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (out.matches("\\d+")) {
                    return out;
                }
            }
            p.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            // fall back to what the JVM sees
        }
        return String.valueOf(Runtime.getRuntime().availableProcessors());
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "-1";
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    say("WARNING: could not delete %s: %s", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            say("WARNING: could not clean up %s: %s", root, e.getMessage());
        }
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                usage(null);
            }
            if (!a.startsWith("--")) {
                usage("unexpected argument: " + a);
            }
            int eq = a.indexOf('=');
            opts.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
        }
        return opts;
    }

    static int intOpt(Map<String, String> opts, String name, int dflt) {
        String v = opts.remove(name);
        if (v == null) {
            v = System.getProperty("bench." + name);
        }
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n < 0 || (n == 0 && !name.equals("settle-s") && !name.equals("jfr-s") && !name.equals("join") && !name.equals("warmup"))) {
                usage(name + " must be positive, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            usage(name + " is not a number: " + v);
            return dflt;
        }
    }

    static void usage(String error) {
        if (error != null) {
            System.err.println("error: " + error);
        }
        System.err.println("usage: bash bench/mongo-sink.sh [--records=200000] [--batch=500] [--sink-timeout-s=900]"
                + " [--raw-timeout-s=600] [--ready-timeout-s=120] [--settle-s=30] [--jfr-s=0] [--join=0] [--warmup=20000]");
        System.err.println("each option can also be given as -Dbench.<name>=<value> before the source file");
        System.exit(error == null ? 0 : 2);
    }
}
