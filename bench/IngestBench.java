// Ingest benchmark: what Caravan's POST /api/v1/streams/pins gets out of the Kafka broker it publishes to, measured
// against a plain KafkaProducer on that same broker in the same run.
//
// Run from the repository root: bash bench/ingest.sh [--threads=N] ...
// (bench/bench.sh compiles this file with BenchKit.java and runs it, and the app, from a snapshot of
// target/caravan.jar). See bench/README.md, section "Ingest benchmark". Never run in CI; nothing asserts on these
// numbers.
package bench;

import static bench.BenchKit.*;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;

public final class IngestBench {

    static final String STREAM = "pins";
    static final double BATCH_TARGET = 0.50; // batched ingest >= 50 % of the raw producer rate
    static final double SINGLE_P99_TARGET_MS = 20.0; // single-record p99 < 20 ms at half the maximum rate
    static final int ERROR_BODIES_SHOWN = 3;

    static int batchRequests;
    static int batchSize;
    static int batchWarmup;
    static int threads;
    static int singleSeconds;
    static int singleWarmupSeconds;
    static int rawRecords;
    static int rawWarmup;
    static int requestTimeoutS;
    static boolean sinksOff;
    static long totalErrors;

    public static void main(String[] args) {
        runMain(args, "ingest.sh", IngestBench::run);
    }

    static int run(Options opts) throws Exception {
        batchRequests = opts.positive("batch-requests", 1200);
        batchSize = opts.positive("batch-size", 1000);
        batchWarmup = opts.zeroOrMore("batch-warmup", 50);
        threads = opts.positive("threads", 4);
        singleSeconds = opts.positive("single-seconds", 15);
        singleWarmupSeconds = opts.zeroOrMore("single-warmup-seconds", 5);
        rawRecords = opts.positive("raw-records", 200_000);
        rawWarmup = opts.zeroOrMore("raw-warmup", 20_000);
        requestTimeoutS = opts.positive("request-timeout-s", 30);
        sinksOff = opts.flag("sinks-off");
        opts.phaseTimeout(120);
        opts.readyTimeout();
        opts.settle(20);
        opts.done();

        RESULTS.precision(Precision.TWO_DECIMALS);
        Machine machine = Machine.describe("ingest benchmark");
        say("raw records=%d (warm-up %d); single: %d s max + %d s paced (warm-up %d s); batched: %d requests of %d"
                + " records (warm-up %d); %d client threads", rawRecords, rawWarmup, singleSeconds, singleSeconds,
                singleWarmupSeconds, batchRequests, batchSize, batchWarmup, threads);

        Path tmp = Files.createTempDirectory("caravan-ingest-bench-");
        App app = null;
        try {
            // sinks off: the ingest path alone, as an ingest-only replica runs it (the default start also writes every
            // record to MongoDB and the lake on the same two cores)
            app = Launch.in(tmp, AppPorts.free(2), readyTimeoutS).start("work", sinksOff
                    ? Map.of("CARAVAN_MONGO_FLOWS", "", "CARAVAN_LAKE_FLOWS", "") : Map.of());
            double raw = rawProduce(app);
            System.gc();

            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt: plain keep-alive connections
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            URI uri = app.uri("/api/v1/streams/" + STREAM);

            // single records first: the app's own consumers (e.g. a stream sink into MongoDB) work through what the
            // batched phase published long after it ends, and would otherwise load the latency phases
            settle(app, settleS, "single-record phases");
            double maxRate = singleMax(app, http, uri);
            ratio("single-record max ÷ raw produce", maxRate, raw, "", null);
            singlePaced(http, uri, maxRate / 2);

            settle(app, settleS, "batched phase");
            double batchRecordsPerS = batched(app, http, uri);
            ratio("batched ingest ÷ raw produce", batchRecordsPerS, raw,
                    String.format(Locale.ROOT, ">= %.0f %%", BATCH_TARGET * 100),
                    batchRecordsPerS >= BATCH_TARGET * raw);
        } finally {
            if (app != null) {
                app.stop("end");
            }
            deleteTree(tmp);
        }

        RESULTS.tableOnly("load average (1 min) at start", machine.loadAtStart());
        if (totalErrors > 0) {
            RESULTS.text("failed requests (not 202), all phases", String.valueOf(totalErrors), "requests",
                    "0: INVALID RUN");
        }
        RESULTS.printTable(machine);
        RESULTS.writeJson("ingest", machine, new Json().put("load_average_at_start", machine.loadJson())
                .put("config", new Json().put("stream", STREAM).put("record_bytes", RECORD_BYTES)
                        .put("threads", threads).put("batch_requests", batchRequests).put("batch_size", batchSize)
                        .put("batch_warmup", batchWarmup).put("single_seconds", singleSeconds)
                        .put("single_warmup_seconds", singleWarmupSeconds).put("raw_records", rawRecords)
                        .put("raw_warmup", rawWarmup).put("settle_s", settleS).put("sinks_off", sinksOff))
                .put("targets", new Json().put("batched_ingest_min_percent_of_raw", BATCH_TARGET * 100)
                        .put("single_record_paced_p99_max_ms", SINGLE_P99_TARGET_MS))
                .put("failed_requests", totalErrors));
        if (totalErrors > 0) {
            say("WARNING: %d request(s) did not get 202: the numbers above are not valid (exit status 3)", totalErrors);
            return 3;
        }
        return 0;
    }

    /** Plain KafkaProducer records/s against the app's own broker, measured as RawLimits does. */
    static double rawProduce(App app) throws Exception {
        String topic = "bench.raw-produce";
        String warmTopic = "bench.raw-produce-warmup";
        try (Admin admin = admin(app.ports.bootstrap())) {
            createTopics(admin, PARTITIONS, topic, warmTopic);
        }
        Records records = Records.pins(rawRecords, 42);
        int avgBytes = records.averageBytes();
        say("%d raw payloads ready, %d B on average", rawRecords, avgBytes);
        try (Producer producer = new Producer(app.ports.bootstrap(), "bench-raw-producer", phaseTimeoutS * 1000L)) {
            producer.warmUp(warmTopic, topic, records, rawWarmup, "raw producer");
            say("raw producer: %d records (acks=all, idempotent) to the app's broker ...", records.size());
            Cpu cpu = Cpu.start(app);
            long ns = producer.sendAll(topic, records, "raw producer timed run");
            double s = ns / 1e9;
            double rate = records.size() / s;
            say("raw producer: %d records in %.2f s = %.0f records/s", records.size(), s, rate);
            result("kafka produce raw (acks=all, idempotent, " + avgBytes + " B)", rate, "records/s", "");
            result("kafka produce raw payload", records.bytes(0, records.size()) / s / 1e6, "MB/s", "");
            cpu.report("kafka produce raw", ns, "broker (in the app's JVM)", "producer");
            return rate;
        }
    }

    static double batched(App app, HttpClient http, URI uri) throws Exception {
        BatchBody template = new BatchBody(batchSize, new Random(7));
        say("batched ingest: NDJSON bodies of %d records, %d KB each", batchSize, template.bytes.length / 1024);

        warmUp("batched warm-up", batchWarmup, warm -> postBatches(warm, batchWarmup, http, uri, template));

        Phase phase = new Phase("batched ingest");
        say("batched ingest: %d requests from %d threads ...", batchRequests, threads);
        Timed run = timed(app, phase, p -> postBatches(p, batchRequests, http, uri, template));
        double s = run.seconds();
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
        run.cpu().report("batched ingest", run.ns(), "app + broker", "HTTP client");
        return recordsPerS;
    }

    /** Closed loop: every thread posts one record as soon as the previous answer came. Returns requests/s. */
    static double singleMax(App app, HttpClient http, URI uri) throws Exception {
        SingleBodies bodies = new SingleBodies(1000, new Random(11));

        warmUp("single-record warm-up", singleWarmupSeconds,
                warm -> closedLoop(warm, singleWarmupSeconds, http, uri, bodies));

        Phase phase = new Phase("single-record max");
        say("single-record max: closed loop, %d threads, %d s ...", threads, singleSeconds);
        Timed run = timed(app, phase, p -> closedLoop(p, singleSeconds, http, uri, bodies));
        double s = run.seconds();
        finish(phase, true);
        double rate = phase.ok.get() / s;
        long[] lat = phase.latencies();
        say("single-record max: %d requests in %.2f s = %.0f requests/s; p50 %.2f ms, p99 %.2f ms", phase.ok.get(), s,
                rate, pct(lat, 0.50), pct(lat, 0.99));
        result("single-record max (closed loop, " + threads + " threads)", rate, "requests/s", "");
        result("single-record latency p50 at max", pct(lat, 0.50), "ms", "");
        result("single-record latency p99 at max", pct(lat, 0.99), "ms", "");
        run.cpu().report("single-record max", run.ns(), "app + broker", "HTTP client");
        return rate;
    }

    /** What the client threads do in a phase. */
    interface Load {
        void on(Phase phase) throws InterruptedException;
    }

    /** Every client thread posts single records back to back for the given seconds. */
    static void closedLoop(Phase phase, int seconds, HttpClient http, URI uri, SingleBodies bodies)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        runThreads(phase, deadlineIn(seconds + phaseTimeoutS), (t, deadline) -> {
            for (int i = t; System.nanoTime() < end; i += threads) {
                post(http, uri, "application/json", bodies.fresh(i), 1, phase, System.nanoTime());
            }
        });
    }

    /** The client threads post count NDJSON bodies between them, each with fresh unique_ids, until the deadline. */
    static void postBatches(Phase phase, int count, HttpClient http, URI uri, BatchBody template)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        runThreads(phase, deadlineIn(phaseTimeoutS), (t, deadline) -> {
            while (next.getAndIncrement() < count && System.nanoTime() < deadline) {
                byte[] body = template.fresh(); // fresh unique_ids, about 0.2 ms: not worth a pre-built pool
                post(http, uri, "application/x-ndjson", body, batchSize, phase, System.nanoTime());
            }
        });
    }

    /** Untimed, when size (requests or seconds) is above 0; its requests only said, with the first failures. */
    static void warmUp(String name, int size, Load load) throws InterruptedException {
        if (size <= 0) {
            return;
        }
        Phase warm = new Phase(name);
        long w0 = System.nanoTime();
        load.on(warm);
        say("%s: %d requests in %d ms (%d not 202)", warm.name, warm.ok.get() + warm.errors.get(),
                ms(System.nanoTime() - w0), warm.errors.get());
        finish(warm, false);
    }

    /** A timed phase's wall time, and the CPU of the app and of the client from its start. */
    record Timed(long ns, Cpu cpu) {
        double seconds() {
            return ns / 1e9;
        }
    }

    static Timed timed(App app, Phase phase, Load load) throws InterruptedException {
        Cpu cpu = Cpu.start(app);
        long t0 = System.nanoTime();
        load.on(phase);
        return new Timed(System.nanoTime() - t0, cpu);
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
                RESULTS.text(phase.name + ": failed requests", String.valueOf(phase.errors.get()), "requests", "0");
            }
        }
    }

    static final String UUID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

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

    /** The p-quantile of sorted nanoseconds, in ms (nearest rank). */
    static double pct(long[] sortedNs, double p) {
        if (sortedNs.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sortedNs.length);
        return sortedNs[Math.max(0, Math.min(sortedNs.length, rank) - 1)] / 1e6;
    }
}
