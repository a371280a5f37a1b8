// Ingest benchmark: what Caravan's POST /api/v1/streams/pins gets out of the Kafka broker it publishes to, measured
// against a plain KafkaProducer on that same broker in the same run.
//
// Run from the repository root (the fat jar supplies the Kafka client; the app itself runs as a child process):
//   java -Xms512m -cp target/caravan.jar bench/IngestBench.java [--threads=N] ...
// (the app is started from -Dbench.jar, default target/caravan.jar; bench/ingest.sh points both at a snapshot)
// or simply: bash bench/ingest.sh [args]
// See bench/README.md, section "Ingest benchmark". Never run in CI; nothing asserts on these numbers.

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.caravan.embedded.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

public class IngestBench {

    static final String HOST = "127.0.0.1";
    static final String STREAM = "pins";
    static final int RECORD_BYTES = 600;
    static final int PARTITIONS = 3; // Caravan's default for the topics its embedded broker creates
    static final double BATCH_TARGET = 0.50; // batched ingest >= 50 % of the raw producer rate
    static final double SINGLE_P99_TARGET_MS = 20.0; // single-record p99 < 20 ms at half the maximum rate
    static final int ERROR_BODIES_SHOWN = 3;

    // knobs: --name=value argument, else -Dbench.name=value, else the default
    static int batchRequests;
    static int batchSize;
    static int batchWarmup;
    static int threads;
    static int singleSeconds;
    static int singleWarmupSeconds;
    static int rawRecords;
    static int rawWarmup;
    static int requestTimeoutS;
    static int phaseTimeoutS;
    static int readyTimeoutS;
    static int settleS;
    static final double SETTLED_CORES = 0.25;

    static final List<String[]> RESULTS = new ArrayList<>(); // {metric, value, unit, target}
    static long totalErrors;
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
        // the Kafka client and the HTTP client leave non-daemon threads behind
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        batchRequests = intOpt(opts, "batch-requests", 1200);
        batchSize = intOpt(opts, "batch-size", 1000);
        batchWarmup = intOpt(opts, "batch-warmup", 50);
        threads = intOpt(opts, "threads", 4);
        singleSeconds = intOpt(opts, "single-seconds", 15);
        singleWarmupSeconds = intOpt(opts, "single-warmup-seconds", 5);
        rawRecords = intOpt(opts, "raw-records", 200_000);
        rawWarmup = intOpt(opts, "raw-warmup", 20_000);
        requestTimeoutS = intOpt(opts, "request-timeout-s", 30);
        phaseTimeoutS = intOpt(opts, "phase-timeout-s", 120);
        readyTimeoutS = intOpt(opts, "ready-timeout-s", 120);
        settleS = intOpt(opts, "settle-s", 20);
        if (!opts.isEmpty()) {
            usage("unknown option(s): " + opts.keySet());
        }

        // the jar's log4j2.xml logs INFO to stdout; a benchmark only wants warnings and its own lines
        Configurator.setRootLevel(Level.WARN);

        // bench/ingest.sh passes a snapshot of target/caravan.jar, so a rebuild during the run cannot break it
        Path jar = Path.of(System.getProperty("bench.jar", "target/caravan.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it with mvn -B -q package -DskipTests");
        }
        String nproc = nproc();
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String loadAtStart = loadAverage();
        String startedAt = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        say("ingest benchmark: nproc=%s, java=%s, max heap=%d MB, load average at start %s", nproc, java,
                Runtime.getRuntime().maxMemory() >> 20, loadAtStart);
        say("raw records=%d (warm-up %d); single: %d s max + %d s paced (warm-up %d s); batched: %d requests of %d"
                + " records (warm-up %d); %d client threads", rawRecords, rawWarmup, singleSeconds, singleSeconds,
                singleWarmupSeconds, batchRequests, batchSize, batchWarmup, threads);

        Path tmp = Files.createTempDirectory("caravan-ingest-bench-");
        App app = null;
        try {
            app = App.start(jar, tmp);
            appPid = app.proc.pid();
            double raw = rawProduce(app.kafkaBootstrap);
            System.gc();

            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt: plain keep-alive connections
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            URI uri = URI.create("http://" + HOST + ":" + app.httpPort + "/api/v1/streams/" + STREAM);

            // single records first: the app's own consumers (e.g. a stream sink into MongoDB) work through what the
            // batched phase published long after it ends, and would otherwise load the latency phases
            settle("single-record phases");
            double maxRate = singleMax(http, uri);
            ratio("single-record max ÷ raw produce", maxRate, raw, "", null);
            singlePaced(http, uri, maxRate / 2);

            settle("batched phase");
            double batchRecordsPerS = batched(http, uri);
            ratio("batched ingest ÷ raw produce", batchRecordsPerS, raw,
                    String.format(Locale.ROOT, ">= %.0f %%", BATCH_TARGET * 100),
                    batchRecordsPerS >= BATCH_TARGET * raw);
        } finally {
            if (app != null) {
                app.stop();
            }
            deleteTree(tmp);
        }

        // other work on the machine skews every number: keep the load seen before the run next to the results
        RESULTS.add(new String[] {"load average (1 min) at start", loadAtStart, "", ""});
        if (totalErrors > 0) {
            RESULTS.add(new String[] {"failed requests (not 202), all phases", String.valueOf(totalErrors), "requests",
                    "0: INVALID RUN"});
        }
        printTable(nproc, java);
        Path out = writeJson(startedAt, nproc, java, loadAtStart);
        say("results written to %s", Path.of("").toAbsolutePath().relativize(out.toAbsolutePath()));
        if (totalErrors > 0) {
            say("WARNING: %d request(s) did not get 202: the numbers above are not valid (exit status 3)", totalErrors);
            return 3;
        }
        return 0;
    }

    // ---------------------------------------------------------------- the app as a child process

    static final class App {
        final Process proc;
        final Path log;
        final int httpPort;
        final String kafkaBootstrap;
        final Thread hook;

        private App(Process proc, Path log, int httpPort, String kafkaBootstrap, Path base) {
            this.proc = proc;
            this.log = log;
            this.httpPort = httpPort;
            this.kafkaBootstrap = kafkaBootstrap;
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

        static App start(Path jar, Path base) throws Exception {
            Path workDir = Files.createDirectories(base.resolve("work")); // empty: the packaged routes are used
            Path dataDir = Files.createDirectories(base.resolve("data"));
            Path log = base.resolve("caravan.log");
            int httpPort = Ports.freePort(HOST);
            int kafkaPort = Ports.freePort(HOST);
            while (kafkaPort == httpPort) {
                kafkaPort = Ports.freePort(HOST);
            }
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            // stdout and stderr go straight to a file: nothing to drain, and no full pipe can stall the app
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString())
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            // embedded mode with ports of our own, whatever the calling shell has set
            env.keySet().removeIf(k -> k.startsWith("CARAVAN_") || k.equals("KAFKA_BROKERS") || k.equals("MONGODB_URI")
                    || k.startsWith("S3_"));
            env.put("CARAVAN_HTTP_PORT", String.valueOf(httpPort));
            env.put("CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(kafkaPort));
            env.put("CARAVAN_EMBEDDED_MONGO_PORT", "0");
            env.put("CARAVAN_EMBEDDED_S3_PORT", "0");
            env.put("CARAVAN_DATA_DIR", dataDir.toString());

            URI ready = URI.create("http://" + HOST + ":" + httpPort + "/observe/health/ready");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build();

            say("starting java -jar <snapshot of target/caravan.jar> (HTTP port %d, Kafka port %d) ...", httpPort,
                    kafkaPort);
            long t0 = System.nanoTime();
            App app = new App(pb.start(), log, httpPort, HOST + ":" + kafkaPort, base);
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
                say("Caravan ready in %d ms", ms(System.nanoTime() - t0));
                return app;
            } catch (Exception e) {
                app.stop();
                throw e;
            }
        }

        void stop() throws InterruptedException {
            try {
                if (!proc.isAlive()) {
                    say("Caravan had already exited with %d", proc.exitValue());
                    return;
                }
                long t0 = System.nanoTime();
                // SIGTERM (Camel's graceful shutdown); Process.destroy() would also close the streams to the child
                proc.toHandle().destroy();
                if (proc.waitFor(60, TimeUnit.SECONDS)) {
                    say("Caravan stopped in %d ms after SIGTERM (exit %d)", ms(System.nanoTime() - t0),
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

    // ---------------------------------------------------------------- raw producer (the denominator)

    /** Plain KafkaProducer records/s against the app's own broker, measured as bench/RawLimits.java does. */
    static double rawProduce(String bootstrap) throws Exception {
        String topic = "bench.raw-produce";
        String warmTopic = "bench.raw-produce-warmup";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                    new NewTopic(warmTopic, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }

        // payloads are built before the clock starts: the producer, not JSON building, is measured
        Random rnd = new Random(42);
        String[] keys = new String[rawRecords];
        byte[][] values = new byte[rawRecords][];
        long payloadBytes = 0;
        for (int i = 0; i < rawRecords; i++) {
            keys[i] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            values[i] = pinJson(i, keys[i], rnd).getBytes(StandardCharsets.UTF_8);
            payloadBytes += values[i].length;
        }
        int avgBytes = (int) (payloadBytes / Math.max(1, rawRecords));
        say("%d raw payloads ready, %d B on average", rawRecords, avgBytes);

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-producer");
        // bounds every send: a record not acknowledged by then fails instead of waiting forever
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(phaseTimeoutS * 1000));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");

        double rate;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            AtomicLong failed = new AtomicLong();
            AtomicReference<Exception> firstError = new AtomicReference<>();
            org.apache.kafka.clients.producer.Callback cb = (md, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
            };
            // warm-up (not timed) into another topic
            long w0 = System.nanoTime();
            for (int i = 0; i < rawWarmup; i++) {
                int j = i % keys.length;
                producer.send(new ProducerRecord<>(warmTopic, keys[j], values[j]), cb);
            }
            producer.flush();
            producer.partitionsFor(topic);
            if (rawWarmup > 0) {
                say("raw producer warm-up: %d records in %d ms", rawWarmup, ms(System.nanoTime() - w0));
            }
            failOn(failed, firstError, "raw producer warm-up");

            System.gc();
            say("raw producer: %d records (acks=all, idempotent) to the app's broker ...", keys.length);
            Cpu cpu = Cpu.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < keys.length; i++) {
                producer.send(new ProducerRecord<>(topic, keys[i], values[i]), cb);
            }
            producer.flush(); // returns once every record is acknowledged or failed (delivery.timeout.ms)
            long ns = System.nanoTime() - t0;
            failOn(failed, firstError, "raw producer timed run");
            double s = ns / 1e9;
            rate = keys.length / s;
            say("raw producer: %d records in %.2f s = %.0f records/s", keys.length, s, rate);
            result("kafka produce raw (acks=all, idempotent, " + avgBytes + " B)", rate, "records/s", "");
            result("kafka produce raw payload", payloadBytes / s / 1e6, "MB/s", "");
            cpu.report("kafka produce raw", ns, "broker (in the app's JVM)", "producer");
            producer.close(Duration.ofSeconds(30));
        }
        return rate;
    }

    // ---------------------------------------------------------------- batched ingest

    static double batched(HttpClient http, URI uri) throws Exception {
        BatchBody template = new BatchBody(batchSize, new Random(7));
        say("batched ingest: NDJSON bodies of %d records, %d KB each", batchSize, template.bytes.length / 1024);

        if (batchWarmup > 0) {
            Phase warm = new Phase("batched warm-up");
            AtomicLong next = new AtomicLong();
            long w0 = System.nanoTime();
            runThreads(warm, deadlineIn(phaseTimeoutS), (t, deadline) -> {
                while (next.getAndIncrement() < batchWarmup && System.nanoTime() < deadline) {
                    post(http, uri, "application/x-ndjson", template.fresh(), batchSize, warm, System.nanoTime());
                }
            });
            say("batched warm-up: %d requests in %d ms (%d not 202)", warm.ok.get() + warm.errors.get(),
                    ms(System.nanoTime() - w0), warm.errors.get());
            finish(warm, false);
        }

        Phase phase = new Phase("batched ingest");
        AtomicLong next = new AtomicLong();
        say("batched ingest: %d requests from %d threads ...", batchRequests, threads);
        Cpu cpu = Cpu.start();
        long t0 = System.nanoTime();
        long deadline = deadlineIn(phaseTimeoutS);
        runThreads(phase, deadline, (t, dl) -> {
            while (next.getAndIncrement() < batchRequests && System.nanoTime() < dl) {
                byte[] body = template.fresh(); // fresh unique_ids, about 0.2 ms: not worth a pre-built pool
                post(http, uri, "application/x-ndjson", body, batchSize, phase, System.nanoTime());
            }
        });
        long phaseNs = System.nanoTime() - t0;
        double s = phaseNs / 1e9;
        long ok = phase.ok.get();
        if (ok + phase.errors.get() < batchRequests) {
            say("WARNING: batched ingest stopped at the %d s phase deadline after %d of %d requests", phaseTimeoutS,
                    ok + phase.errors.get(), batchRequests);
        }
        finish(phase, true);
        double requestsPerS = ok / s;
        double recordsPerS = ok * (double) batchSize / s;
        long[] lat = phase.latencies();
        say("batched ingest: %d requests (%d records) in %.2f s = %.1f requests/s, %.0f records/s; p50 %.1f ms,"
                + " p99 %.1f ms", ok, ok * batchSize, s, requestsPerS, recordsPerS, pct(lat, 0.50), pct(lat, 0.99));
        String what = "batched ingest (NDJSON, " + batchSize + "/request, " + threads + " threads)";
        result(what, requestsPerS, "requests/s", "");
        result(what, recordsPerS, "records/s", "");
        result("batched ingest payload", ok * (double) template.bytes.length / s / 1e6, "MB/s", "");
        result("batched ingest latency p50", pct(lat, 0.50), "ms/request", "");
        result("batched ingest latency p99", pct(lat, 0.99), "ms/request", "");
        result("batched ingest latency max", pct(lat, 1.0), "ms/request", "");
        cpu.report("batched ingest", phaseNs, "app + broker", "HTTP client");
        return recordsPerS;
    }

    // ---------------------------------------------------------------- single-record ingest

    /** Closed loop: every thread posts one record as soon as the previous answer came. Returns requests/s. */
    static double singleMax(HttpClient http, URI uri) throws Exception {
        SingleBodies bodies = new SingleBodies(1000, new Random(11));

        if (singleWarmupSeconds > 0) {
            Phase warm = new Phase("single-record warm-up");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(singleWarmupSeconds);
            runThreads(warm, deadlineIn(singleWarmupSeconds + phaseTimeoutS), (t, dl) -> {
                int i = t;
                while (System.nanoTime() < end) {
                    post(http, uri, "application/json", bodies.fresh(i), 1, warm, System.nanoTime());
                    i += threads;
                }
            });
            say("single-record warm-up: %d requests in %d s (%d not 202)", warm.ok.get() + warm.errors.get(),
                    singleWarmupSeconds, warm.errors.get());
            finish(warm, false);
        }

        Phase phase = new Phase("single-record max");
        say("single-record max: closed loop, %d threads, %d s ...", threads, singleSeconds);
        Cpu cpu = Cpu.start();
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(singleSeconds);
        runThreads(phase, deadlineIn(singleSeconds + phaseTimeoutS), (t, dl) -> {
            int i = t;
            while (System.nanoTime() < end) {
                post(http, uri, "application/json", bodies.fresh(i), 1, phase, System.nanoTime());
                i += threads;
            }
        });
        long phaseNs = System.nanoTime() - t0;
        double s = phaseNs / 1e9;
        finish(phase, true);
        double rate = phase.ok.get() / s;
        long[] lat = phase.latencies();
        say("single-record max: %d requests in %.2f s = %.0f requests/s; p50 %.2f ms, p99 %.2f ms", phase.ok.get(), s,
                rate, pct(lat, 0.50), pct(lat, 0.99));
        result("single-record max (closed loop, " + threads + " threads)", rate, "requests/s", "");
        result("single-record latency p50 at max", pct(lat, 0.50), "ms", "");
        result("single-record latency p99 at max", pct(lat, 0.99), "ms", "");
        cpu.report("single-record max", phaseNs, "app + broker", "HTTP client");
        return rate;
    }

    /**
     * Open loop: request i is due at start + i/rate whatever happened to the others; its latency runs from that due
     * time, not from when a thread got round to sending it, so a stall counts against every request it delayed
     * (no coordinated omission).
     */
    static void singlePaced(HttpClient http, URI uri, double rate) throws Exception {
        SingleBodies bodies = new SingleBodies(1000, new Random(13));
        long total = Math.max(1, Math.round(rate * singleSeconds));
        double intervalNs = 1e9 / rate;
        Phase phase = new Phase("single-record paced");
        AtomicLong next = new AtomicLong();
        say("single-record paced: %.0f requests/s (half the maximum) for %d s, %d threads ...", rate, singleSeconds,
                threads);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        runThreads(phase, deadlineIn(singleSeconds + phaseTimeoutS), (t, dl) -> {
            long i;
            while ((i = next.getAndIncrement()) < total) {
                long due = t0 + (long) (i * intervalNs);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (System.nanoTime() > dl) {
                    return;
                }
                post(http, uri, "application/json", bodies.fresh((int) i), 1, phase, due);
            }
        });
        double s = (System.nanoTime() - t0) / 1e9;
        finish(phase, true);
        long[] lat = phase.latencies();
        double p99 = pct(lat, 0.99);
        boolean pass = p99 < SINGLE_P99_TARGET_MS && phase.errors.get() == 0;
        say("single-record paced: %d requests in %.2f s = %.0f requests/s; p50 %.2f ms, p99 %.2f ms, max %.1f ms",
                phase.ok.get(), s, phase.ok.get() / s, pct(lat, 0.50), p99, pct(lat, 1.0));
        result("single-record paced rate (half the max)", rate, "requests/s", "");
        result("single-record paced rate achieved", phase.ok.get() / s, "requests/s", "");
        result("single-record paced latency p50", pct(lat, 0.50), "ms", "");
        result("single-record paced latency p99", p99, "ms",
                String.format(Locale.ROOT, "< %.0f ms: %s", SINGLE_P99_TARGET_MS, pass ? "PASS" : "MISS"));
        result("single-record paced latency max", pct(lat, 1.0), "ms", "");
    }

    // ---------------------------------------------------------------- CPU accounting

    /**
     * Waits (at most --settle-s) until the app is idle: its own consumers (a stream sink into MongoDB, say) keep
     * working through what an earlier phase published, and would load the next phase. Logs what it saw.
     */
    static void settle(String before) throws InterruptedException {
        long deadline = deadlineIn(settleS);
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
     * CPU time of the app (its JVM also runs the embedded broker) and of this benchmark during a phase, in cores
     * (1.0 = one core busy the whole phase): on a small machine the client, the app and the broker share the cores.
     */
    record Cpu(long appNs, long benchNs) {
        static Cpu start() {
            return new Cpu(appCpuNs(), benchCpuNs());
        }

        void report(String phase, long wallNs, String appLabel, String benchLabel) {
            long app = appCpuNs();
            long bench = benchCpuNs();
            if (app < 0 || appNs < 0 || bench < 0 || benchNs < 0 || wallNs <= 0) {
                return; // not on Linux, or not allowed to read it: no CPU rows
            }
            double appCores = (app - appNs) / (double) wallNs;
            double benchCores = (bench - benchNs) / (double) wallNs;
            say("%s: CPU %s %.2f cores, %s %.2f cores", phase, appLabel, appCores, benchLabel, benchCores);
            result(phase + ", CPU of " + appLabel, appCores, "cores", "");
            result(phase + ", CPU of " + benchLabel, benchCores, "cores", "");
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

    // ---------------------------------------------------------------- HTTP plumbing

    /** Requests of one phase: latencies of the 202 answers (ns, per thread), failures and their first bodies. */
    static final class Phase {
        final String name;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final List<String> errorBodies = new ArrayList<>();
        final List<LongList> lists = new ArrayList<>(); // one per client thread: no contention while recording
        final ThreadLocal<LongList> mine;

        Phase(String name) {
            this.name = name;
            this.mine = ThreadLocal.withInitial(() -> {
                LongList l = new LongList();
                synchronized (lists) {
                    lists.add(l);
                }
                return l;
            });
        }

        void latency(long ns) {
            mine.get().add(ns);
        }

        void error(String what) {
            errors.incrementAndGet();
            synchronized (errorBodies) {
                if (errorBodies.size() < ERROR_BODIES_SHOWN) {
                    errorBodies.add(what.length() > 600 ? what.substring(0, 600) + " ..." : what);
                }
            }
        }

        /** Every latency recorded, sorted; called once the client threads are done. */
        long[] latencies() {
            synchronized (lists) {
                int n = lists.stream().mapToInt(l -> l.size).sum();
                long[] all = new long[n];
                int at = 0;
                for (LongList l : lists) {
                    System.arraycopy(l.data, 0, all, at, l.size);
                    at += l.size;
                }
                Arrays.sort(all);
                return all;
            }
        }
    }

    static final class LongList {
        long[] data = new long[4096];
        int size;

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }
    }

    static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

    /** One POST; 202 with every record accepted counts, anything else is an error. Latency runs from startNs. */
    static void post(HttpClient http, URI uri, String contentType, byte[] body, int records, Phase phase,
            long startNs) {
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(requestTimeoutS))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            long ns = System.nanoTime() - startNs;
            if (resp.statusCode() != 202) {
                phase.error("HTTP " + resp.statusCode() + ": " + resp.body());
                return;
            }
            Matcher m = ACCEPTED.matcher(resp.body());
            if (!m.find() || Integer.parseInt(m.group(1)) != records) {
                phase.error("202 without \"accepted\":" + records + ": " + resp.body());
                return;
            }
            phase.ok.incrementAndGet();
            phase.latency(ns);
        } catch (IOException e) {
            phase.error(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            phase.error(e.toString());
        }
    }

    interface Worker {
        void run(int thread, long deadlineNs) throws Exception;
    }

    /** Runs the worker on every client thread and waits for them, at most until the deadline (plus a request). */
    static void runThreads(Phase phase, long deadlineNs, Worker worker) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < threads; i++) {
            int t = i;
            Thread th = new Thread(() -> {
                try {
                    worker.run(t, deadlineNs);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-client-" + i);
            th.setDaemon(true);
            ts.add(th);
            th.start();
        }
        long joinUntil = deadlineNs + TimeUnit.SECONDS.toNanos(requestTimeoutS + 5);
        for (Thread th : ts) {
            long left = joinUntil - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(th, left);
            }
            if (th.isAlive()) {
                th.interrupt();
                throw new IllegalStateException(phase.name + ": client thread " + th.getName()
                        + " still running past the phase deadline");
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException(phase.name + ": client thread failed", failure.get());
        }
    }

    static void finish(Phase phase, boolean counts) {
        if (phase.errors.get() > 0) {
            say("%s: %d request(s) not answered 202; the first:", phase.name, phase.errors.get());
            for (String b : phase.errorBodies) {
                say("  %s", b);
            }
        }
        if (counts) {
            totalErrors += phase.errors.get();
            if (phase.errors.get() > 0) {
                RESULTS.add(new String[] {phase.name + ": failed requests", String.valueOf(phase.errors.get()),
                        "requests", "0"});
            }
        }
    }

    static long deadlineIn(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    // ---------------------------------------------------------------- the records

    static final String[] WORDS = {"cozy", "minimal", "rustic", "autumn", "kitchen", "ideas", "easy", "weeknight",
            "dinner", "boho", "living", "room", "small", "space", "garden", "hacks", "vintage", "style", "summer",
            "outfit", "coastal", "bedroom", "watercolor", "sketch", "modern", "farmhouse", "pasta", "vegan", "trail"};
    static final String[] CATEGORIES = {"diy-and-crafts", "home-decor", "travel", "quotes", "beauty", "art",
            "education", "finance", "tattoos", "vehicles"};
    static final String UUID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

    /** A valid pin (pin.schema.json) of RECORD_BYTES bytes (ASCII), the description padding it to size. */
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

    /** Writes a fresh random UUID (36 ASCII bytes) at the given offset. */
    static void putUuid(byte[] buf, int at) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] id = new UUID(r.nextLong(), r.nextLong()).toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, buf, at, id.length);
    }

    /** An NDJSON body of n pins; every copy handed out gets new unique_ids (the rest of the body is the same). */
    static final class BatchBody {
        final byte[] bytes;
        final int[] idAt;

        BatchBody(int n, Random rnd) {
            StringBuilder sb = new StringBuilder(n * (RECORD_BYTES + 1));
            idAt = new int[n];
            for (int i = 0; i < n; i++) {
                String rec = pinJson(i, UUID_PLACEHOLDER, rnd);
                idAt[i] = sb.length() + rec.indexOf(UUID_PLACEHOLDER);
                sb.append(rec).append('\n');
            }
            bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        }

        byte[] fresh() {
            byte[] b = bytes.clone();
            for (int at : idAt) {
                putUuid(b, at);
            }
            return b;
        }
    }

    /** n single-pin bodies; each copy handed out gets a new unique_id. */
    static final class SingleBodies {
        final byte[][] bytes;
        final int[] idAt;

        SingleBodies(int n, Random rnd) {
            bytes = new byte[n][];
            idAt = new int[n];
            for (int i = 0; i < n; i++) {
                String rec = pinJson(i, UUID_PLACEHOLDER, rnd);
                bytes[i] = rec.getBytes(StandardCharsets.US_ASCII);
                idAt[i] = rec.indexOf(UUID_PLACEHOLDER);
            }
        }

        byte[] fresh(int i) {
            int k = Math.floorMod(i, bytes.length);
            byte[] b = bytes[k].clone();
            putUuid(b, idAt[k]);
            return b;
        }
    }

    // ---------------------------------------------------------------- output

    static double pct(long[] sortedNs, double p) {
        if (sortedNs.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sortedNs.length); // nearest rank
        return sortedNs[Math.max(0, Math.min(sortedNs.length, rank) - 1)] / 1e6;
    }

    static void ratio(String metric, double rate, double raw, String target, Boolean pass) {
        double pc = raw > 0 ? rate / raw * 100 : 0;
        String t = target.isEmpty() ? "" : target + ": " + (pass ? "PASS" : "MISS");
        result(metric, pc, "% of raw", t);
        say("%s = %.1f %% of raw%s", metric, pc, t.isEmpty() ? "" : " (target " + t + ")");
    }

    static void result(String metric, double value, String unit, String target) {
        String v = value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
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

    static Path writeJson(String startedAt, String nproc, String java, String load) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"timestamp\": ").append(q(startedAt)).append(",\n");
        sb.append("  \"nproc\": ").append(nproc.matches("\\d+") ? nproc : q(nproc)).append(",\n");
        sb.append("  \"java\": ").append(q(java)).append(",\n");
        sb.append("  \"load_average_at_start\": ").append(load.matches("[0-9.]+") ? load : q(load)).append(",\n");
        sb.append("  \"config\": {")
                .append("\"stream\": ").append(q(STREAM))
                .append(", \"record_bytes\": ").append(RECORD_BYTES)
                .append(", \"threads\": ").append(threads)
                .append(", \"batch_requests\": ").append(batchRequests)
                .append(", \"batch_size\": ").append(batchSize)
                .append(", \"batch_warmup\": ").append(batchWarmup)
                .append(", \"single_seconds\": ").append(singleSeconds)
                .append(", \"single_warmup_seconds\": ").append(singleWarmupSeconds)
                .append(", \"raw_records\": ").append(rawRecords)
                .append(", \"raw_warmup\": ").append(rawWarmup)
                .append(", \"settle_s\": ").append(settleS).append("},\n");
        sb.append("  \"targets\": {\"batched_ingest_min_percent_of_raw\": ").append(BATCH_TARGET * 100)
                .append(", \"single_record_paced_p99_max_ms\": ").append(SINGLE_P99_TARGET_MS).append("},\n");
        sb.append("  \"failed_requests\": ").append(totalErrors).append(",\n");
        sb.append("  \"results\": [\n");
        List<String[]> rows = RESULTS.stream().filter(r -> !r[0].startsWith("load average")).toList();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            sb.append("    {\"metric\": ").append(q(r[0])).append(", \"value\": ").append(r[1])
                    .append(", \"unit\": ").append(q(r[2]));
            if (!r[3].isEmpty()) {
                sb.append(", \"target\": ").append(q(r[3]));
            }
            sb.append("}").append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        Path dir = Files.createDirectories(Path.of("bench", "results"));
        Path file = dir.resolve("ingest-" + startedAt + ".json");
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
            if (n < 0 || (n == 0 && !name.contains("warmup") && !name.equals("settle-s"))) {
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
        System.err.println("usage: bash bench/ingest.sh [--batch-requests=1200] [--batch-size=1000] [--batch-warmup=50]"
                + " [--threads=4] [--single-seconds=15] [--single-warmup-seconds=5] [--raw-records=200000]"
                + " [--raw-warmup=20000] [--request-timeout-s=30] [--phase-timeout-s=120] [--ready-timeout-s=120]"
                + " [--settle-s=20]");
        System.err.println("each option can also be given as -Dbench.<name>=<value> before the source file");
        System.exit(error == null ? 0 : 2);
    }
}
