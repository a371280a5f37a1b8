// Raw limits of this machine: what Kafka, MongoDB and a bare JVM start-up give without Caravan in between.
// Caravan's own throughput is reported against these numbers as ratios measured in the same run.
//
// Run from the repository root (the fat jar supplies the embedded servers and the client libraries):
//   java -Xms512m -cp target/caravan.jar bench/RawLimits.java [--kafka-records=N] [--mongo-docs=N] ...
// or simply: bash bench/run.sh [args]
// See bench/README.md. Never run in CI; nothing asserts on these numbers.

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.EmbeddedMongo;
import dev.caravan.embedded.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.bson.Document;

public class RawLimits {

    static final String HOST = "127.0.0.1";
    static final int RECORD_BYTES = 600;

    // knobs: --name=value argument, else -Dbench.name=value, else the default
    static int kafkaRecords;
    static int kafkaWarmup;
    static int kafkaPartitions;
    static int mongoDocs;
    static int mongoBatch;
    static int phaseTimeoutS;
    static int readyTimeoutS;
    static boolean skipStartup;

    static final List<String[]> RESULTS = new ArrayList<>(); // {metric, value, unit}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        // the broker and the drivers may leave non-daemon threads behind
        System.exit(0);
    }

    static void run(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        kafkaRecords = intOpt(opts, "kafka-records", 200_000);
        kafkaWarmup = intOpt(opts, "kafka-warmup", 20_000);
        kafkaPartitions = intOpt(opts, "kafka-partitions", 3);
        mongoDocs = intOpt(opts, "mongo-docs", 50_000);
        mongoBatch = intOpt(opts, "mongo-batch", 1_000);
        phaseTimeoutS = intOpt(opts, "phase-timeout-s", 180);
        readyTimeoutS = intOpt(opts, "ready-timeout-s", 120);
        String skip = opts.remove("skip-startup");
        skipStartup = Boolean.parseBoolean(skip != null ? skip : System.getProperty("bench.skip-startup", "false"));
        if (!opts.isEmpty()) {
            usage("unknown option(s): " + opts.keySet());
        }

        // the jar's log4j2.xml logs INFO to stdout; a benchmark only wants warnings and its own lines
        Configurator.setRootLevel(Level.WARN);

        // bench/run.sh passes a snapshot of target/caravan.jar, so a rebuild during the run cannot break it
        Path jar = Path.of(System.getProperty("bench.jar", "target/caravan.jar")).toAbsolutePath();
        String nproc = nproc();
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String loadAtStart = loadAverage();
        String startedAt = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        say("raw limits: nproc=%s, java=%s, max heap=%d MB, load average at start %s", nproc, java,
                Runtime.getRuntime().maxMemory() >> 20, loadAtStart);
        say("kafka records=%d (warm-up %d, %d partitions), mongo docs=%d in batches of %d",
                kafkaRecords, kafkaWarmup, kafkaPartitions, mongoDocs, mongoBatch);

        Path tmp = Files.createTempDirectory("caravan-bench-");
        try {
            benchKafka(tmp.resolve("kafka"));
            benchMongo(tmp.resolve("mongo").resolve("bench.mv"));
            if (skipStartup) {
                say("start-up measurement skipped (--skip-startup)");
            } else {
                benchStartup(jar, tmp.resolve("app"));
            }
        } finally {
            deleteTree(tmp);
        }

        // other work on the machine skews every number: keep the load seen before the run next to the results
        RESULTS.add(new String[] {"load average (1 min) at start", loadAtStart, ""});
        printTable(nproc, java);
        Path out = writeJson(startedAt, nproc, java);
        say("results written to %s", Path.of("").toAbsolutePath().relativize(out.toAbsolutePath()));
    }

    // ---------------------------------------------------------------- Kafka

    static void benchKafka(Path logDir) throws Exception {
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
            String topic = "bench.pins";
            String warmTopic = "bench.warmup";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, kafkaPartitions, (short) 1),
                        new NewTopic(warmTopic, kafkaPartitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }

            // payloads are built before the clock starts: the producer, not JSON building, is measured
            Random rnd = new Random(42);
            String[] keys = new String[kafkaRecords];
            byte[][] values = new byte[kafkaRecords][];
            long payloadBytes = 0;
            for (int i = 0; i < kafkaRecords; i++) {
                keys[i] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
                values[i] = pinJson(keys[i], rnd).getBytes(StandardCharsets.UTF_8);
                payloadBytes += values[i].length;
            }
            int avgBytes = (int) (payloadBytes / Math.max(1, kafkaRecords));
            say("%d payloads ready, %d B on average", kafkaRecords, avgBytes);

            produce(kafka.bootstrapServers(), topic, warmTopic, keys, values, payloadBytes, avgBytes);
            keys = null;
            values = null;
            System.gc();
            consume(kafka.bootstrapServers(), topic, avgBytes);
        } finally {
            say("stopping embedded Kafka ...");
            closeBounded("embedded Kafka", kafka, Duration.ofSeconds(60));
        }
    }

    static void produce(String bootstrap, String topic, String warmTopic, String[] keys, byte[][] values,
            long payloadBytes, int avgBytes) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer");
        // bounds every send: a record not acknowledged by then fails instead of waiting forever
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(phaseTimeoutS * 1000));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            AtomicLong failed = new AtomicLong();
            AtomicReference<Exception> firstError = new AtomicReference<>();
            org.apache.kafka.clients.producer.Callback cb = (md, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
            };

            // warm-up (not timed) into another topic, so the consumer later reads exactly the timed records
            long w0 = System.nanoTime();
            for (int i = 0; i < kafkaWarmup; i++) {
                int j = i % keys.length;
                producer.send(new ProducerRecord<>(warmTopic, keys[j], values[j]), cb);
            }
            producer.flush();
            producer.partitionsFor(topic);
            if (kafkaWarmup > 0) {
                say("producer warm-up: %d records in %d ms", kafkaWarmup, ms(System.nanoTime() - w0));
            }
            failOn(failed, firstError, "warm-up");

            System.gc();
            say("producing %d records (acks=all, idempotent) ...", keys.length);
            long t0 = System.nanoTime();
            for (int i = 0; i < keys.length; i++) {
                producer.send(new ProducerRecord<>(topic, keys[i], values[i]), cb);
            }
            producer.flush(); // returns once every record is acknowledged or failed (delivery.timeout.ms)
            long ns = System.nanoTime() - t0;
            failOn(failed, firstError, "timed run");
            double s = ns / 1e9;
            say("produced %d records in %.2f s", keys.length, s);
            result("kafka produce (acks=all, idempotent, " + avgBytes + " B)", keys.length / s, "records/s");
            result("kafka produce payload", payloadBytes / s / 1e6, "MB/s");
            producer.close(Duration.ofSeconds(30));
        }
    }

    static void consume(String bootstrap, String topic, int avgBytes) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-consumer");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            say("consuming %d records from the beginning (new group) ...", kafkaRecords);
            long count = 0;
            long bytes = 0;
            long firstRecordNs = -1;
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(phaseTimeoutS);
            consumer.subscribe(List.of(topic));
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

    // ---------------------------------------------------------------- MongoDB

    static void benchMongo(Path file) throws Exception {
        EmbeddedMongo mongo = new EmbeddedMongo(file, HOST, 0);
        bounded("embedded MongoDB start", Duration.ofSeconds(60), () -> {
            mongo.start();
            return null;
        });
        say("embedded MongoDB up at %s", mongo.connectionString());
        try {
            MongoClientSettings settings = MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(mongo.connectionString()))
                    .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
                    .applyToSocketSettings(b -> b.connectTimeout(10, TimeUnit.SECONDS)
                            .readTimeout(phaseTimeoutS, TimeUnit.SECONDS))
                    .build();
            try (MongoClient client = MongoClients.create(settings)) {
                MongoCollection<Document> pins = client.getDatabase("bench").getCollection("pins");
                MongoCollection<Document> warm = client.getDatabase("bench").getCollection("warmup");

                // same record shape as the Kafka payload, _id = record key (as Caravan's Mongo sink stores it)
                Random rnd = new Random(7);
                List<Document> docs = new ArrayList<>(mongoDocs);
                for (int i = 0; i < mongoDocs; i++) {
                    String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
                    Document d = new Document("_id", id);
                    d.putAll(Document.parse(pinJson(id, rnd)));
                    docs.add(d);
                }
                List<Document> warmDocs = new ArrayList<>();
                for (int i = 0; i < Math.min(mongoBatch, mongoDocs); i++) {
                    warmDocs.add(new Document(docs.get(i)));
                }
                long w0 = System.nanoTime();
                if (!warmDocs.isEmpty()) {
                    warm.insertMany(warmDocs);
                }
                say("mongo warm-up: %d docs in %d ms", warmDocs.size(), ms(System.nanoTime() - w0));

                System.gc();
                say("inserting %d docs in batches of %d ...", mongoDocs, mongoBatch);
                long inserted = 0;
                List<long[]> batches = new ArrayList<>(); // {docs, nanos} of each insertMany
                long t0 = System.nanoTime();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(phaseTimeoutS);
                for (int from = 0; from < docs.size(); from += mongoBatch) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("MongoDB insertMany: only " + inserted + " of " + mongoDocs
                                + " docs within " + phaseTimeoutS + " s");
                    }
                    List<Document> batch = docs.subList(from, Math.min(docs.size(), from + mongoBatch));
                    long b0 = System.nanoTime();
                    int n = pins.insertMany(batch).getInsertedIds().size();
                    batches.add(new long[] {n, System.nanoTime() - b0});
                    inserted += n;
                }
                long ns = System.nanoTime() - t0;
                // the rate over the first and the last tenth too, as it may drop while the collection grows
                double firstRate = sliceRate(batches, mongoDocs / 10, false);
                double lastRate = sliceRate(batches, mongoDocs / 10, true);
                long stored = pins.countDocuments();
                if (inserted != mongoDocs || stored != mongoDocs) {
                    throw new IllegalStateException("MongoDB: inserted " + inserted + ", stored " + stored
                            + ", expected " + mongoDocs);
                }
                double s = ns / 1e9;
                say("inserted %d docs in %.2f s", inserted, s);
                result("mongo insertMany (batch " + mongoBatch + ", embedded)", inserted / s, "docs/s");
                long slowestMs = ms(batches.stream().mapToLong(b -> b[1]).max().orElse(0));
                say("  first tenth: %.0f docs/s, last tenth: %.0f docs/s, slowest batch: %d ms",
                        firstRate, lastRate, slowestMs);
                result("mongo insertMany, first tenth of docs", firstRate, "docs/s");
                result("mongo insertMany, last tenth of docs", lastRate, "docs/s");
                result("mongo insertMany, slowest batch", slowestMs, "ms");
            }
        } finally {
            closeBounded("embedded MongoDB", mongo, Duration.ofSeconds(60));
        }
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

    // ---------------------------------------------------------------- start-up

    static void benchStartup(Path jar, Path base) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it with mvn -B -q package -DskipTests");
        }
        Path workDir = Files.createDirectories(base.resolve("work"));
        Path dataDir = Files.createDirectories(base.resolve("data"));
        Path log = base.resolve("caravan.log");
        int httpPort = Ports.freePort(HOST);
        int kafkaPort = Ports.freePort(HOST);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        // embedded mode with ports of our own, whatever the calling shell has set
        env.keySet().removeIf(k -> k.startsWith("CARAVAN_") || k.equals("KAFKA_BROKERS") || k.equals("MONGODB_URI")
                || k.equals("S3_ENDPOINT"));
        env.put("CARAVAN_HTTP_PORT", String.valueOf(httpPort));
        env.put("CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(kafkaPort));
        env.put("CARAVAN_EMBEDDED_MONGO_PORT", "0");
        env.put("CARAVAN_EMBEDDED_S3_PORT", "0");
        env.put("CARAVAN_DATA_DIR", dataDir.toString());

        URI ready = URI.create("http://" + HOST + ":" + httpPort + "/observe/health/ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build();

        say("starting java -jar target/caravan.jar (HTTP port %d) ...", httpPort);
        long t0 = System.nanoTime();
        Process proc = pb.start();
        try {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(readyTimeoutS);
            long firstAnswerNs = -1;
            long readyNs = -1;
            int lastStatus = -1;
            while (System.nanoTime() < deadline) {
                if (!proc.isAlive()) {
                    throw new IllegalStateException("Caravan exited with " + proc.exitValue() + " before it was ready\n"
                            + tail(log, 40));
                }
                try {
                    lastStatus = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (firstAnswerNs < 0) {
                        firstAnswerNs = System.nanoTime() - t0;
                    }
                    if (lastStatus == 200) {
                        readyNs = System.nanoTime() - t0;
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100); // poll interval
            }
            if (readyNs < 0) {
                throw new IllegalStateException("Caravan not ready within " + readyTimeoutS + " s (last status "
                        + lastStatus + ")\n" + tail(log, 40));
            }
            long rssKb = procStatusKb(proc.pid(), "VmRSS");
            say("ready in %d ms (first HTTP answer after %d ms), RSS %.0f MB", ms(readyNs), ms(firstAnswerNs),
                    rssKb / 1024.0);
            result("caravan start-up to ready (java -jar)", ms(readyNs), "ms");
            result("caravan start-up to first HTTP answer", ms(firstAnswerNs), "ms");
            result("caravan RSS after ready", rssKb / 1024.0, "MB");
        } finally {
            stop(proc, log);
        }
    }

    static void stop(Process proc, Path log) throws InterruptedException {
        if (!proc.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        proc.destroy(); // SIGTERM: Camel's graceful shutdown
        if (proc.waitFor(45, TimeUnit.SECONDS)) {
            long stopMs = ms(System.nanoTime() - t0);
            say("Caravan stopped in %d ms (exit %d)", stopMs, proc.exitValue());
            result("caravan stop after SIGTERM", stopMs, "ms");
        } else {
            say("Caravan did not stop within 45 s of SIGTERM: killing it\n%s", tail(log, 20));
            proc.destroyForcibly();
            if (!proc.waitFor(15, TimeUnit.SECONDS)) {
                say("WARNING: Caravan (pid %d) still running after SIGKILL", proc.pid());
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

    // ---------------------------------------------------------------- the record

    static final String[] CATEGORIES = {"home_decor", "recipes", "travel", "diy_and_crafts", "womens_fashion",
            "gardening", "photography", "architecture", "art", "quotes"};
    static final String[] WORDS = {"cozy", "minimal", "rustic", "autumn", "kitchen", "ideas", "easy", "weeknight",
            "dinner", "boho", "living", "room", "small", "space", "garden", "hacks", "vintage", "style", "summer",
            "outfit", "coastal", "bedroom", "watercolor", "sketch", "modern", "farmhouse", "pasta", "vegan", "trail"};

    /** A Pinterest-pin-like JSON object of RECORD_BYTES bytes (ASCII), the description padding it to size. */
    static String pinJson(String id, Random rnd) {
        String category = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        String title = words(rnd, 4 + rnd.nextInt(4));
        String head = "{\"id\":\"" + id + "\""
                + ",\"board_id\":\"" + (100_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)) + "\""
                + ",\"pinner\":{\"id\":\"" + (200_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)) + "\""
                + ",\"username\":\"" + WORDS[rnd.nextInt(WORDS.length)] + "_" + rnd.nextInt(10_000) + "\"}"
                + ",\"title\":\"" + title + "\""
                + ",\"link\":\"https://example.com/" + category + "/" + title.replace(' ', '-') + "\""
                + ",\"image\":{\"url\":\"https://i.pinimg.com/736x/" + String.format("%032x", rnd.nextLong()) + ".jpg\""
                + ",\"width\":736,\"height\":" + (736 + rnd.nextInt(800))
                + ",\"dominant_color\":\"#" + String.format("%06x", rnd.nextInt(1 << 24)) + "\"}"
                + ",\"category\":\"" + category + "\""
                + ",\"tags\":[\"" + WORDS[rnd.nextInt(WORDS.length)] + "\",\"" + WORDS[rnd.nextInt(WORDS.length)] + "\"]"
                + ",\"save_count\":" + rnd.nextInt(50_000)
                + ",\"repin_count\":" + rnd.nextInt(5_000)
                + ",\"comment_count\":" + rnd.nextInt(300)
                + ",\"is_video\":" + (rnd.nextInt(10) == 0)
                + ",\"created_at\":\"2025-" + String.format("%02d-%02dT%02d:%02d:%02dZ", 1 + rnd.nextInt(12),
                        1 + rnd.nextInt(28), rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60)) + "\""
                + ",\"description\":\"";
        String tail = "\"}";
        int room = RECORD_BYTES - head.length() - tail.length();
        StringBuilder desc = new StringBuilder(Math.max(0, room));
        while (desc.length() < room) {
            desc.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        desc.setLength(Math.max(0, room));
        return head + desc + tail;
    }

    static String words(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- output

    static void result(String metric, double value, String unit) {
        String v = value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
        RESULTS.add(new String[] {metric, v, unit});
    }

    static void printTable(String nproc, String java) {
        List<String[]> rows = new ArrayList<>(RESULTS);
        rows.add(new String[] {"nproc", nproc, "cpus"});
        rows.add(new String[] {"java", java, ""});
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int w1 = rows.stream().filter(r -> !r[0].equals("java")).mapToInt(r -> r[1].length()).max().orElse(8);
        System.out.println();
        System.out.println(String.format("%-" + w0 + "s  %" + w1 + "s  %s", "metric", "value", "unit"));
        System.out.println("-".repeat(w0) + "  " + "-".repeat(w1) + "  " + "-".repeat(9));
        for (String[] r : rows) {
            String line = r[0].equals("java")
                    ? String.format("%-" + w0 + "s  %s", r[0], r[1])
                    : String.format("%-" + w0 + "s  %" + w1 + "s  %s", r[0], r[1], r[2]);
            System.out.println(line.stripTrailing());
        }
        System.out.println();
    }

    static Path writeJson(String startedAt, String nproc, String java) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"timestamp\": ").append(q(startedAt)).append(",\n");
        sb.append("  \"nproc\": ").append(nproc.matches("\\d+") ? nproc : q(nproc)).append(",\n");
        sb.append("  \"java\": ").append(q(java)).append(",\n");
        sb.append("  \"config\": {")
                .append("\"kafka_records\": ").append(kafkaRecords)
                .append(", \"kafka_warmup\": ").append(kafkaWarmup)
                .append(", \"kafka_partitions\": ").append(kafkaPartitions)
                .append(", \"mongo_docs\": ").append(mongoDocs)
                .append(", \"mongo_batch\": ").append(mongoBatch)
                .append(", \"record_bytes\": ").append(RECORD_BYTES).append("},\n");
        sb.append("  \"results\": [\n");
        for (int i = 0; i < RESULTS.size(); i++) {
            String[] r = RESULTS.get(i);
            sb.append("    {\"metric\": ").append(q(r[0])).append(", \"value\": ").append(r[1])
                    .append(", \"unit\": ").append(q(r[2])).append("}").append(i + 1 < RESULTS.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        Path dir = Files.createDirectories(Path.of("bench", "results"));
        Path file = dir.resolve("raw-limits-" + startedAt + ".json");
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

    static void failOn(AtomicLong failed, AtomicReference<Exception> first, String what) {
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends failed in the " + what, first.get());
        }
    }

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
            if (n < 0 || (n == 0 && !name.endsWith("warmup"))) {
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
        System.err.println("usage: bash bench/run.sh [--kafka-records=200000] [--kafka-warmup=20000]"
                + " [--kafka-partitions=3] [--mongo-docs=50000] [--mongo-batch=1000]"
                + " [--phase-timeout-s=180] [--ready-timeout-s=120] [--skip-startup]");
        System.err.println("each option can also be given as -Dbench.<name>=<value> before the source file");
        System.exit(error == null ? 0 : 2);
    }
}
