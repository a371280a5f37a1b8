// Raw limits of this machine: what Kafka, MongoDB and a bare JVM start-up give without Caravan in between.
// Caravan's own throughput is reported against these numbers as ratios measured in the same run.
//
// Run from the repository root: bash bench/run.sh [--kafka-records=N] [--mongo-docs=N] ...
// (bench/bench.sh compiles this file with BenchKit.java against a snapshot of target/caravan.jar, which supplies the
// embedded servers and the client libraries). See bench/README.md. Never run in CI; nothing asserts on these numbers.
package bench;

import static bench.BenchKit.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.EmbeddedMongo;
import dev.caravan.embedded.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.bson.Document;

public final class RawLimits {

    static final String TOPIC = "bench.pins";
    static final String WARM_TOPIC = "bench.warmup";

    public static void main(String[] args) {
        runMain(args, "run.sh", RawLimits::run);
    }

    static int run(Options opts) throws Exception {
        // each phase gets its own numbers as arguments; only the kit's shared timeouts are fields
        int kafkaRecords = opts.positive("kafka-records", 200_000);
        int kafkaWarmup = opts.zeroOrMore("kafka-warmup", 20_000);
        int kafkaPartitions = opts.positive("kafka-partitions", 3);
        int mongoDocs = opts.positive("mongo-docs", 50_000);
        int mongoBatch = opts.positive("mongo-batch", 1_000);
        opts.phaseTimeout(180);
        opts.readyTimeout();
        boolean skipStartup = opts.flag("skip-startup");
        opts.done();

        RESULTS.precision(Precision.ONE_DECIMAL);
        Machine machine = Machine.describe("raw limits");
        say("kafka records=%d (warm-up %d, %d partitions), mongo docs=%d in batches of %d",
                kafkaRecords, kafkaWarmup, kafkaPartitions, mongoDocs, mongoBatch);

        Path tmp = Files.createTempDirectory("caravan-bench-");
        try {
            benchKafka(tmp.resolve("kafka"), kafkaRecords, kafkaWarmup, kafkaPartitions);
            benchMongo(tmp.resolve("mongo").resolve("bench.mv"), mongoDocs, mongoBatch);
            if (skipStartup) {
                say("start-up measurement skipped (--skip-startup)");
            } else {
                benchStartup(tmp.resolve("app"));
            }
        } finally {
            deleteTree(tmp);
        }

        loadRow("at start", machine.loadAtStart());
        RESULTS.printTable(machine);
        RESULTS.writeJson("raw-limits", machine, new Json().put("config", new Json()
                .put("kafka_records", kafkaRecords).put("kafka_warmup", kafkaWarmup)
                .put("kafka_partitions", kafkaPartitions).put("mongo_docs", mongoDocs).put("mongo_batch", mongoBatch)
                .put("record_bytes", RECORD_BYTES)));
        return 0;
    }

    /** Produces and then consumes kafkaRecords records (after kafkaWarmup untimed ones) on an embedded broker. */
    static void benchKafka(Path logDir, int kafkaRecords, int kafkaWarmup, int kafkaPartitions) throws Exception {
        int port = Ports.freePort(HOST);
        EmbeddedKafka kafka = new EmbeddedKafka(logDir, HOST, port, kafkaPartitions);
        say("starting embedded Kafka on %s:%d ...", HOST, port);
        long t0 = System.nanoTime();
        bounded("embedded Kafka start", Duration.ofSeconds(phaseTimeoutS), () -> {
            kafka.start();
            return null;
        });
        say("embedded Kafka up in %d ms", ms(System.nanoTime() - t0));
        try {
            try (Admin admin = admin(kafka.bootstrapServers())) {
                createTopics(admin, kafkaPartitions, TOPIC, WARM_TOPIC);
            }
            Records records = Records.of(kafkaRecords, 42, (i, key, rnd) -> apiPinJson(key, rnd));
            int avgBytes = records.averageBytes();
            say("%d payloads ready, %d B on average", kafkaRecords, avgBytes);
            produce(kafka.bootstrapServers(), records, kafkaWarmup);
            records = null; // the consumer phase gets the heap back
            System.gc();
            consume(kafka.bootstrapServers(), avgBytes, kafkaRecords);
        } finally {
            say("stopping embedded Kafka ...");
            closeBounded("embedded Kafka", kafka, Duration.ofSeconds(60));
        }
    }

    static void produce(String bootstrap, Records records, int kafkaWarmup) {
        try (Producer producer = new Producer(bootstrap, "bench-producer", phaseTimeoutS * 1000L)) {
            // the warm-up goes to another topic, so the consumer later reads exactly the timed records
            producer.warmUp(WARM_TOPIC, TOPIC, records, kafkaWarmup, "producer");
            say("producing %d records (acks=all, idempotent) ...", records.size());
            double s = producer.sendAll(TOPIC, records, "timed run") / 1e9;
            say("produced %d records in %.2f s", records.size(), s);
            result("kafka produce (acks=all, idempotent, " + records.averageBytes() + " B)", records.size() / s,
                    "records/s");
            result("kafka produce payload", records.bytes(0, records.size()) / s / 1e6, "MB/s");
        }
    }

    static void consume(String bootstrap, int avgBytes, int kafkaRecords) {
        Properties c = consumerConfig(bootstrap, "bench-" + UUID.randomUUID(), "bench-consumer");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            say("consuming %d records from the beginning (new group) ...", kafkaRecords);
            long count = 0;
            long bytes = 0;
            long firstRecordNs = -1;
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(phaseTimeoutS);
            consumer.subscribe(List.of(TOPIC));
            while (count < kafkaRecords && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty() && firstRecordNs < 0) {
                    firstRecordNs = System.nanoTime() - t0;
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    count++;
                    bytes += r.value().length;
                }
            }
            long ns = System.nanoTime() - t0;
            if (count < kafkaRecords) {
                throw new IllegalStateException("consumer read only " + count + " of " + kafkaRecords
                        + " records within " + phaseTimeoutS + " s");
            }
            double s = ns / 1e9;
            say("consumed %d records in %.2f s (first record after %d ms)", count, s, ms(firstRecordNs));
            result("kafka consume (new group, earliest, " + avgBytes + " B)", count / s, "records/s");
            result("kafka consume payload", bytes / s / 1e6, "MB/s");
            result("kafka consume time to first record", ms(firstRecordNs), "ms");
        }
    }

    /** Inserts mongoDocs documents in batches of mongoBatch into an embedded MongoDB on an H2 file. */
    static void benchMongo(Path file, int mongoDocs, int mongoBatch) throws Exception {
        EmbeddedMongo mongo = new EmbeddedMongo(file, HOST, 0);
        bounded("embedded MongoDB start", Duration.ofSeconds(60), () -> {
            mongo.start();
            return null;
        });
        say("embedded MongoDB up at %s", mongo.connectionString());
        try (MongoClient client = mongoClient(mongo.connectionString(), 10, phaseTimeoutS)) {
            MongoCollection<Document> pins = client.getDatabase("bench").getCollection("pins");
            List<Document> docs = documents(mongoDocs);
            List<Document> warmDocs = new ArrayList<>();
            for (int i = 0; i < Math.min(mongoBatch, mongoDocs); i++) {
                warmDocs.add(new Document(docs.get(i)));
            }
            long w0 = System.nanoTime();
            if (!warmDocs.isEmpty()) {
                client.getDatabase("bench").getCollection("warmup").insertMany(warmDocs);
            }
            say("mongo warm-up: %d docs in %d ms", warmDocs.size(), ms(System.nanoTime() - w0));

            System.gc();
            say("inserting %d docs in batches of %d ...", mongoDocs, mongoBatch);
            Batches batches = Batches.write(docs, mongoBatch, phaseTimeoutS, "MongoDB insertMany",
                    batch -> pins.insertMany(batch).getInsertedIds().size());
            long stored = pins.countDocuments();
            if (batches.written() != mongoDocs || stored != mongoDocs) {
                throw new IllegalStateException("MongoDB: inserted " + batches.written() + ", stored " + stored
                        + ", expected " + mongoDocs);
            }
            double s = batches.nanos() / 1e9;
            say("inserted %d docs in %.2f s", batches.written(), s);
            result("mongo insertMany (batch " + mongoBatch + ", embedded)", batches.written() / s, "docs/s");
            // the rate over the first and the last tenth too, as it may drop while the collection grows
            say("  first tenth: %.0f docs/s, last tenth: %.0f docs/s, slowest batch: %d ms",
                    batches.tenthRate(false), batches.tenthRate(true), batches.slowestMs());
            result("mongo insertMany, first tenth of docs", batches.tenthRate(false), "docs/s");
            result("mongo insertMany, last tenth of docs", batches.tenthRate(true), "docs/s");
            result("mongo insertMany, slowest batch", batches.slowestMs(), "ms");
        } finally {
            closeBounded("embedded MongoDB", mongo, Duration.ofSeconds(60));
        }
    }

    /** The Kafka payload's shape as documents, _id = the record key (as Caravan's Mongo sink stores it). */
    static List<Document> documents(int mongoDocs) {
        Records records = Records.of(mongoDocs, 7, (i, key, rnd) -> apiPinJson(key, rnd));
        List<Document> docs = new ArrayList<>(mongoDocs);
        for (int i = 0; i < mongoDocs; i++) {
            Document d = new Document("_id", records.keys()[i]);
            d.putAll(Document.parse(records.json(i)));
            docs.add(d);
        }
        return docs;
    }

    static void benchStartup(Path base) throws Exception {
        measureStartup(Launch.in(base.resolve("plain"), AppPorts.free(2), readyTimeoutS), "java -jar", true);
        // README "Start faster": a warm-up start that stops itself records a class archive the next start maps
        Path archive = base.resolve("caravan.jsa");
        App warmUp = Launch.in(base.resolve("warm-up"), AppPorts.free(2), readyTimeoutS)
                .jvm("-XX:ArchiveClassesAtExit=" + archive)
                .start("work", Map.of("CAMEL_MAIN_DURATIONMAXSECONDS", "5"));
        if (!warmUp.proc.waitFor(phaseTimeoutS, TimeUnit.SECONDS)) {
            warmUp.stop("warm-up overran");
            throw new IllegalStateException("the warm-up run did not stop by itself within " + phaseTimeoutS + " s");
        }
        warmUp.stop("warm-up");
        say("class archive: %.0f MB", Files.size(archive) / 1e6);
        result("class archive recorded by the warm-up", Files.size(archive) / 1e6, "MB");
        measureStartup(Launch.in(base.resolve("archived"), AppPorts.free(2), readyTimeoutS)
                .jvm("-XX:SharedArchiveFile=" + archive), "with the class archive", false);
    }

    static void measureStartup(Launch launch, String how, boolean withStop) throws Exception {
        App app = launch.start("work", Map.of());
        try {
            long rssKb = procStatusKb(app.pid(), "VmRSS");
            long readyMs = ms(app.readyNs - app.startNs);
            long firstAnswerMs = ms(app.firstAnswerNs - app.startNs);
            say("%s: ready in %d ms (first HTTP answer after %d ms), RSS %.0f MB", how, readyMs, firstAnswerMs,
                    rssKb / 1024.0);
            result("caravan start-up to ready (" + how + ")", readyMs, "ms");
            result("caravan start-up to first HTTP answer (" + how + ")", firstAnswerMs, "ms");
            result("caravan RSS after ready (" + how + ")", rssKb / 1024.0, "MB");
        } finally {
            long stopMs = app.stop("start-up measured");
            if (withStop && stopMs >= 0) {
                result("caravan stop after SIGTERM", stopMs, "ms");
            }
        }
    }

    static long procStatusKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    static final String[] API_CATEGORIES = {"home_decor", "recipes", "travel", "diy_and_crafts", "womens_fashion",
            "gardening", "photography", "architecture", "art", "quotes"};

    /** A Pinterest-API-pin-like JSON object of RECORD_BYTES bytes (ASCII), the description padding it to size. */
    static String apiPinJson(String id, Random rnd) {
        String category = API_CATEGORIES[rnd.nextInt(API_CATEGORIES.length)];
        String title = words(rnd, 4 + rnd.nextInt(4));
        String head = "{\"id\":\"" + id + "\""
                + ",\"board_id\":\"" + (100_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)) + "\""
                + ",\"pinner\":{\"id\":\"" + (200_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)) + "\""
                + ",\"username\":\"" + word(rnd) + "_" + rnd.nextInt(10_000) + "\"}"
                + ",\"title\":\"" + title + "\""
                + ",\"link\":\"https://example.com/" + category + "/" + title.replace(' ', '-') + "\""
                + ",\"image\":{\"url\":\"https://i.pinimg.com/736x/" + String.format("%032x", rnd.nextLong()) + ".jpg\""
                + ",\"width\":736,\"height\":" + (736 + rnd.nextInt(800))
                + ",\"dominant_color\":\"#" + String.format("%06x", rnd.nextInt(1 << 24)) + "\"}"
                + ",\"category\":\"" + category + "\""
                + ",\"tags\":[\"" + word(rnd) + "\",\"" + word(rnd) + "\"]"
                + ",\"save_count\":" + rnd.nextInt(50_000)
                + ",\"repin_count\":" + rnd.nextInt(5_000)
                + ",\"comment_count\":" + rnd.nextInt(300)
                + ",\"is_video\":" + (rnd.nextInt(10) == 0)
                + ",\"created_at\":\"2025-" + String.format("%02d-%02dT%02d:%02d:%02dZ", 1 + rnd.nextInt(12),
                        1 + rnd.nextInt(28), rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60)) + "\""
                + ",\"description\":\"";
        return padded(head, "\"}", rnd);
    }

    static String words(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(word(rnd));
        }
        return sb.toString();
    }

    interface Step<T> {
        T run() throws Exception;
    }

    /** Runs a blocking step on a daemon thread and gives up waiting after the timeout. */
    static <T> T bounded(String name, Duration timeout, Step<T> step) throws Exception {
        FutureTask<T> task = new FutureTask<>(step::run);
        Thread t = new Thread(task, "bench-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    static void closeBounded(String name, AutoCloseable c, Duration timeout) {
        try {
            bounded(name + " stop", timeout, () -> {
                c.close();
                return null;
            });
        } catch (Exception e) {
            say("WARNING: %s: %s", name, e.getMessage());
        }
    }
}
