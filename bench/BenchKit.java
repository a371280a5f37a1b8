package bench;

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
import java.util.Collection;
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
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** What every benchmark needs once: each benchmark file holds only its phases, and bench.sh compiles it with this. */
public final class BenchKit {

    static final String HOST = "127.0.0.1";
    static final int RECORD_BYTES = 600;
    static final int PARTITIONS = 3; // Caravan's default for the topics its embedded broker creates
    static final double SETTLED_CORES = 0.25; // below this the app counts as idle before a phase

    /** The rows of this run's table, in the order they were measured. */
    static final Results RESULTS = new Results();

    // The options that mean the same in every benchmark that takes them; Options sets those a benchmark asks for.
    /** --ready-timeout-s: how long each start of the app may take to become ready. */
    static int readyTimeoutS;
    /** --phase-timeout-s: the deadline of each phase. */
    static int phaseTimeoutS;
    /** --settle-s: the longest wait for the app to go idle before a phase. */
    static int settleS;
    /** --raw-timeout-s: the deadline of each raw-limit pass of a sink benchmark. */
    static int rawTimeoutS;
    /** --jfr-s: when above zero, how long a sink benchmark profiles the app. */
    static int jfrS;

    private BenchKit() {
    }

    /** A benchmark's body, given its options (it reads them and calls done): its exit status. */
    interface Body {
        int run(Options opts) throws Exception;
    }

    /**
     * A benchmark's main: runs its body with the options in args (script, the wrapper that runs it, names them in the
     * usage line) and exits with its status, or with 1 and the stack trace when it throws.
     */
    static void runMain(String[] args, String script, Body body) {
        int status;
        try {
            // the jar's log4j2.xml logs INFO to stdout; a benchmark only wants warnings and its own lines
            Configurator.setRootLevel(Level.WARN);
            status = body.run(new Options(script, args));
        } catch (Throwable e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        // the Kafka, MongoDB and HTTP clients and the SDK leave non-daemon threads behind
        System.exit(status);
    }

    /** The app's jar: bench.sh passes a snapshot of target/caravan.jar, so a rebuild during the run cannot break it. */
    static Path appJar() {
        Path jar = Path.of(System.getProperty("bench.jar", "target/caravan.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it with mvn -B -q package -DskipTests");
        }
        return jar;
    }

    /** Options as --name=value, else -Dbench.name=value, else the default; the usage line lists each one asked for. */
    static final class Options {
        private final String script;
        private final Map<String, String> given = new LinkedHashMap<>();
        private final StringBuilder usage = new StringBuilder();
        private String error;
        private boolean help;

        Options(String script, String[] args) {
            this.script = script;
            for (String a : args) {
                if (a.equals("-h") || a.equals("--help")) {
                    help = true;
                    return;
                }
                if (!a.startsWith("--")) {
                    error = "unexpected argument: " + a;
                    return;
                }
                int eq = a.indexOf('=');
                given.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
            }
        }

        /** A number that must be above zero. */
        int positive(String name, int dflt) {
            return number(name, dflt, 1);
        }

        /** A number where 0 means none (or off). */
        int zeroOrMore(String name, int dflt) {
            return number(name, dflt, 0);
        }

        String text(String name, String dflt) {
            usage.append(" [--").append(name).append('=').append(dflt).append(']');
            String v = value(name);
            return v == null || v.isBlank() ? dflt : v;
        }

        boolean flag(String name) {
            usage.append(" [--").append(name).append(']');
            String v = value(name);
            return Boolean.parseBoolean(v != null ? v : "false");
        }

        /** --phase-timeout-s into phaseTimeoutS. */
        void phaseTimeout(int dflt) {
            phaseTimeoutS = positive("phase-timeout-s", dflt);
        }

        /** --ready-timeout-s (120) into readyTimeoutS. */
        void readyTimeout() {
            readyTimeoutS = positive("ready-timeout-s", 120);
        }

        /** --settle-s into settleS. */
        void settle(int dflt) {
            settleS = zeroOrMore("settle-s", dflt);
        }

        /**
         * The deadlines and waits of a sink benchmark (a backlog drained by the app, then by the raw limits): the app's
         * drain deadline under drainOption (900 s), which it returns, then --raw-timeout-s (600), --ready-timeout-s
         * (120), --settle-s (30) and --jfr-s (0, no profile).
         */
        int sinkPhases(String drainOption) {
            int drainTimeoutS = positive(drainOption, 900);
            rawTimeoutS = positive("raw-timeout-s", 600);
            readyTimeout();
            settle(30);
            jfrS = zeroOrMore("jfr-s", 0);
            return drainTimeoutS;
        }

        /** After the last option: prints the usage and exits on --help, an unknown option or a bad value. */
        void done() {
            if (error == null && !help && !given.isEmpty()) {
                error = "unknown option(s): " + given.keySet();
            }
            if (error == null && !help) {
                return;
            }
            if (error != null) {
                System.err.println("error: " + error);
            }
            System.err.println("usage: bash bench/" + script + usage);
            System.err.println("each option can also be given as -Dbench.<name>=<value> before the main class");
            System.exit(error == null ? 0 : 2);
        }

        /** A usage error found later, against the options' values together. */
        void fail(String message) {
            if (error == null) {
                error = message;
            }
            done();
        }

        private int number(String name, int dflt, int min) {
            usage.append(" [--").append(name).append('=').append(dflt).append(']');
            String v = value(name);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v.replace("_", ""));
                if (n < min && error == null) {
                    error = name + " must be positive, got " + v;
                }
                return n;
            } catch (NumberFormatException e) {
                if (error == null) {
                    error = name + " is not a number: " + v;
                }
                return dflt;
            }
        }

        private String value(String name) {
            String v = given.remove(name);
            return v != null ? v : System.getProperty("bench." + name);
        }
    }

    /** The machine and the moment of a run: the table's last rows and the JSON file's head. */
    record Machine(String nproc, String java, String loadAtStart, String startedAt) {

        /** Reads them and says them as the run's first line. */
        static Machine describe(String benchmark) {
            Machine m = new Machine(BenchKit.nproc(), System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.runtime.version"), loadAverage(),
                    LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            say("%s: nproc=%s, java=%s, max heap=%d MB, load average at start %s", benchmark, m.nproc, m.java,
                    Runtime.getRuntime().maxMemory() >> 20, m.loadAtStart);
            return m;
        }

        /** The load average as a JSON number, or as text when /proc had none. */
        Object loadJson() {
            return loadAtStart.matches("[0-9.]+") ? new Json.Raw(loadAtStart) : loadAtStart;
        }
    }

    /** How a benchmark rounds its values: each keeps the style of its earlier result files. */
    enum Precision {
        /** Whole numbers from 100 up, one decimal below. */
        ONE_DECIMAL,
        /** Whole numbers from 100 up, one decimal from 10, two below. */
        TWO_DECIMALS,
        /** As TWO_DECIMALS, and whole values (counts, ms) without decimals. */
        WHOLE_OR_TWO_DECIMALS;

        String format(double v) {
            if (v >= 100 || this == WHOLE_OR_TWO_DECIMALS && v == Math.rint(v) && Math.abs(v) < 1e15) {
                return String.format(Locale.ROOT, "%.0f", v);
            }
            return String.format(Locale.ROOT, this == ONE_DECIMAL || v >= 10 ? "%.1f" : "%.2f", v);
        }
    }

    /** One row of the table; {@code inJson} false keeps it out of the results file. */
    record Row(String metric, String value, String unit, String target, boolean inJson) {
    }

    /** The run's results: a table on stdout and bench/results/NAME-TIMESTAMP.json. */
    static final class Results {
        private final List<Row> rows = new ArrayList<>();
        private Precision precision = Precision.WHOLE_OR_TWO_DECIMALS;

        void precision(Precision p) {
            precision = p;
        }

        void add(String metric, double value, String unit, String target) {
            text(metric, precision.format(value), unit, target);
        }

        void text(String metric, String value, String unit, String target) {
            rows.add(new Row(metric, value, unit, target, true));
        }

        /** A row the table shows and the JSON file does not (it has the value in its head). */
        void tableOnly(String metric, String value) {
            rows.add(new Row(metric, value, "", "", false));
        }

        /** The table; it has a target column only if some row has a target. */
        void printTable(Machine m) {
            List<Row> all = new ArrayList<>(rows);
            all.add(new Row("nproc", m.nproc(), "cpus", "", true));
            all.add(new Row("java", m.java(), "", "", true));
            boolean targets = rows.stream().anyMatch(r -> !r.target().isEmpty());
            int w0 = all.stream().mapToInt(r -> r.metric().length()).max().orElse(10);
            int w1 = all.stream().filter(r -> !r.metric().equals("java")).mapToInt(r -> r.value().length()).max()
                    .orElse(8);
            int w2 = Math.max(10, all.stream().mapToInt(r -> r.unit().length()).max().orElse(10));
            String row = "%-" + w0 + "s  %" + w1 + "s  " + (targets ? "%-" + w2 + "s  %s" : "%s");
            System.out.println();
            System.out.println(String.format(row, "metric", "value", "unit", "target"));
            System.out.println("-".repeat(w0) + "  " + "-".repeat(w1) + "  "
                    + (targets ? "-".repeat(w2) + "  " + "-".repeat(16) : "-".repeat(9)));
            for (Row r : all) {
                String line = r.metric().equals("java")
                        ? String.format("%-" + w0 + "s  %s", r.metric(), r.value())
                        : String.format(row, r.metric(), r.value(), r.unit(), r.target());
                System.out.println(line.stripTrailing());
            }
            System.out.println();
        }

        /** Writes the machine, the benchmark's own sections (config, targets, ...) and every row; says where. */
        Path writeJson(String name, Machine m, Json sections) throws IOException {
            StringBuilder sb = new StringBuilder("{\n");
            Json head = new Json().put("timestamp", m.startedAt())
                    .put("nproc", m.nproc().matches("\\d+") ? new Json.Raw(m.nproc()) : m.nproc())
                    .put("java", m.java());
            for (Json fields : List.of(head, sections)) {
                fields.fields.forEach((k, v) -> sb.append("  ").append(q(k)).append(": ").append(v).append(",\n"));
            }
            sb.append("  \"results\": [\n");
            List<Row> out = rows.stream().filter(Row::inJson).toList();
            for (int i = 0; i < out.size(); i++) {
                Row r = out.get(i);
                String v = r.value().matches("-?[0-9]+(\\.[0-9]+)?") ? r.value() : q(r.value());
                sb.append("    {\"metric\": ").append(q(r.metric())).append(", \"value\": ").append(v)
                        .append(", \"unit\": ").append(q(r.unit()));
                if (!r.target().isEmpty()) {
                    sb.append(", \"target\": ").append(q(r.target()));
                }
                sb.append("}").append(i + 1 < out.size() ? ",\n" : "\n");
            }
            sb.append("  ]\n}\n");
            Path file = Files.createDirectories(Path.of("bench", "results")).resolve(name + "-" + m.startedAt()
                    + ".json");
            Files.writeString(file, sb.toString());
            say("results written to %s", Path.of("").toAbsolutePath().relativize(file.toAbsolutePath()));
            return file;
        }
    }

    static void result(String metric, double value, String unit, String target) {
        RESULTS.add(metric, value, unit, target);
    }

    static void result(String metric, double value, String unit) {
        RESULTS.add(metric, value, unit, "");
    }

    /** Other work on the machine skews every number: the load seen before a phase goes next to the results. */
    static void loadRow(String when, String load) {
        RESULTS.text("load average (1 min) " + when, load, "", "");
    }

    /** rate as a percentage of raw, with PASS or MISS against the target if there is one. */
    static void ratio(String metric, double rate, double raw, String target, Boolean pass) {
        double pc = raw > 0 ? rate / raw * 100 : 0;
        String t = target.isEmpty() ? "" : target + ": " + (pass ? "PASS" : "MISS");
        result(metric, pc, "% of raw", t);
        say("%s = %.1f %% of raw%s", metric, pc, t.isEmpty() ? "" : " (target " + t + ")");
    }

    /** A JSON object in the order its fields are put; nested objects and lists stay on one line. */
    static final class Json {
        /** JSON text written as it is. */
        record Raw(String json) {
            @Override
            public String toString() {
                return json;
            }
        }

        final Map<String, String> fields = new LinkedHashMap<>();

        Json put(String name, Object value) {
            fields.put(name, literal(value));
            return this;
        }

        @Override
        public String toString() {
            return fields.entrySet().stream().map(e -> q(e.getKey()) + ": " + e.getValue())
                    .collect(Collectors.joining(", ", "{", "}"));
        }

        static String literal(Object v) {
            if (v instanceof String s) {
                return q(s);
            }
            if (v instanceof Collection<?> c) {
                return c.stream().map(Json::literal).collect(Collectors.joining(", ", "[", "]"));
            }
            return String.valueOf(v);
        }

        /** An object with a field per line at the given depth (2 spaces each), as the results file nests them. */
        static Raw block(Map<String, String> fields, int depth) {
            StringJoiner out = new StringJoiner(",", "{", "\n" + "  ".repeat(depth) + "}");
            fields.forEach((k, v) -> out.add("\n" + "  ".repeat(depth + 1) + q(k) + ": " + v));
            return new Raw(out.toString());
        }
    }

    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void say(String fmt, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static long deadlineIn(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    /** The ports of the app's servers: concrete ones where the benchmark talks to a server, 0 = the app picks. */
    record AppPorts(int http, int kafka, int mongo, int s3) {

        /** Distinct free ports for HTTP and the first servers-1 of Kafka, MongoDB and S3; 0 for the rest. */
        static AppPorts free(int servers) {
            Set<Integer> ports = new LinkedHashSet<>();
            while (ports.size() < servers) {
                ports.add(Ports.freePort(HOST));
            }
            int[] p = new int[4];
            int i = 0;
            for (int port : ports) {
                p[i++] = port;
            }
            return new AppPorts(p[0], p[1], p[2], p[3]);
        }

        String bootstrap() {
            return HOST + ":" + kafka;
        }

        String mongoUri() {
            return "mongodb://" + HOST + ":" + mongo;
        }

        String describe() {
            return "HTTP " + http + ", Kafka " + kafka + (mongo > 0 ? ", MongoDB " + mongo : "")
                    + (s3 > 0 ? ", S3 " + s3 : "");
        }
    }

    /** Where the app runs: every start of a run uses the same jar, temporary directory, data directory and ports. */
    record Launch(Path jar, Path base, Path dataDir, AppPorts ports, int readyTimeoutS, List<String> jvmArgs) {

        /** A launch in a new data directory under base. */
        static Launch in(Path base, AppPorts ports, int readyTimeoutS) throws IOException {
            return new Launch(appJar(), base, Files.createDirectories(base.resolve("data")), ports, readyTimeoutS,
                    List.of());
        }

        /** The same launch with these JVM options before -jar. */
        Launch jvm(String... args) {
            return new Launch(jar, base, dataDir, ports, readyTimeoutS, List.of(args));
        }

        App start(String workName, Map<String, String> env) throws Exception {
            return start(workName, env, null);
        }

        /** Starts the app in an empty working directory, so the packaged routes are used; atStart right after it. */
        App start(String workName, Map<String, String> env, Thread atStart) throws Exception {
            Path workDir = Files.createDirectories(base.resolve(workName));
            Path log = base.resolve(workName + ".log");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // stdout and stderr go straight to a file: nothing to drain, and no full pipe can stall the app
            List<String> command = new ArrayList<>(List.of(javaBin));
            command.addAll(jvmArgs);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> appEnv = pb.environment();
            // embedded mode with ports of our own, whatever the calling shell has set
            appEnv.keySet().removeIf(k -> k.startsWith("CARAVAN_") || k.equals("KAFKA_BROKERS")
                    || k.startsWith("MONGODB_") || k.startsWith("S3_"));
            appEnv.put("CARAVAN_HTTP_PORT", String.valueOf(ports.http()));
            appEnv.put("CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(ports.kafka()));
            appEnv.put("CARAVAN_EMBEDDED_MONGO_PORT", String.valueOf(ports.mongo()));
            appEnv.put("CARAVAN_EMBEDDED_S3_PORT", String.valueOf(ports.s3()));
            appEnv.put("CARAVAN_DATA_DIR", dataDir.toString());
            appEnv.putAll(env);
            say("starting java %s-jar <snapshot of target/caravan.jar> (%s%s) ...",
                    jvmArgs.isEmpty() ? "" : String.join(" ", jvmArgs) + " ", ports.describe(),
                    env.isEmpty() ? "" : ", " + new TreeMap<>(env));
            long t0 = System.nanoTime();
            App app = new App(pb.start(), t0, log, ports, base);
            if (atStart != null) {
                atStart.start();
            }
            try {
                app.awaitReady(readyTimeoutS);
                return app;
            } catch (Exception e) {
                app.stop("failed start");
                throw e;
            }
        }
    }

    /** The app as a child process; a shutdown hook stops it and removes its files if the benchmark is interrupted. */
    static final class App {
        final Process proc;
        final Path log;
        final AppPorts ports;
        final long startNs;
        long firstAnswerNs = -1;
        long readyNs = -1;
        private final Thread hook;

        private App(Process proc, long startNs, Path log, AppPorts ports, Path base) {
            this.proc = proc;
            this.startNs = startNs;
            this.log = log;
            this.ports = ports;
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

        long pid() {
            return proc.pid();
        }

        URI uri(String path) {
            return URI.create("http://" + HOST + ":" + ports.http() + path);
        }

        /** A GET to the app's HTTP API, its answer as text. */
        HttpResponse<String> get(String path, int timeoutS) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(timeoutS)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        /** Polls the readiness endpoint every 100 ms until it answers 200; notes the first answer of any kind. */
        private void awaitReady(int timeoutS) throws Exception {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest request = HttpRequest.newBuilder(uri("/observe/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            long deadline = startNs + TimeUnit.SECONDS.toNanos(timeoutS);
            int lastStatus = -1;
            while (true) {
                if (!proc.isAlive()) {
                    throw new IllegalStateException("Caravan exited with " + proc.exitValue()
                            + " before it was ready; the end of its log:\n" + tail(log, 40));
                }
                try {
                    lastStatus = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (firstAnswerNs < 0) {
                        firstAnswerNs = System.nanoTime();
                    }
                    if (lastStatus == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Caravan not ready within " + timeoutS + " s (last status "
                            + lastStatus + "); the end of its log:\n" + tail(log, 40));
                }
                Thread.sleep(100);
            }
            readyNs = System.nanoTime();
            say("Caravan (pid %d) ready in %d ms", pid(), ms(readyNs - startNs));
        }

        /** Fails the phase if the app has exited. */
        void checkAlive(String phase) {
            if (!proc.isAlive()) {
                throw new IllegalStateException("Caravan exited with " + proc.exitValue() + " during the " + phase
                        + "; the end of its log:\n" + tail(log, 40));
            }
        }

        /** SIGTERM (Camel's graceful shutdown), SIGKILL after 60 s; returns the ms it took, or -1. */
        long stop(String when) throws InterruptedException {
            try {
                if (!proc.isAlive()) {
                    say("Caravan had already exited with %d", proc.exitValue());
                    return -1;
                }
                long t0 = System.nanoTime();
                // Process.destroy() would also close the streams to the child
                proc.toHandle().destroy();
                if (proc.waitFor(60, TimeUnit.SECONDS)) {
                    long stopMs = ms(System.nanoTime() - t0);
                    say("Caravan stopped (%s) in %d ms after SIGTERM (exit %d)", when, stopMs, proc.exitValue());
                    return stopMs;
                }
                say("Caravan did not stop within 60 s of SIGTERM: killing it; the end of its log:\n%s", tail(log, 20));
                proc.destroyForcibly();
                if (!proc.waitFor(15, TimeUnit.SECONDS)) {
                    say("WARNING: Caravan (pid %d) still running after SIGKILL", pid());
                }
                return -1;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        }
    }

    /** Waits (at most settleS) until the app is idle: its leftover work from a phase would load the next one. */
    static void settle(App app, int settleS, String before) throws InterruptedException {
        long deadline = deadlineIn(settleS);
        double cores;
        int seconds = 0;
        do {
            long a0 = processCpuNs(app.pid());
            long t0 = System.nanoTime();
            Thread.sleep(1000);
            long a1 = processCpuNs(app.pid());
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

    /** CPU time of a process so far, from /proc, or -1 where there is none. */
    static long processCpuNs(long pid) {
        try {
            // /proc/PID/stat: the command is in parentheses and may hold spaces; utime and stime follow it as
            // fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux)
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of this benchmark's JVM so far, or -1. */
    static long ownCpuNs() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU of the app and of this benchmark over a phase, in cores: on a small machine they share the cores. */
    record Cpu(long pid, long appNs, long benchNs) {
        static Cpu start(App app) {
            return new Cpu(app.pid(), processCpuNs(app.pid()), ownCpuNs());
        }

        /** The phase's CPU rows; returns the CPU time of both processes, or -1 if unknown. */
        long report(String phase, long wallNs, String appLabel, String benchLabel) {
            long app = processCpuNs(pid);
            long bench = ownCpuNs();
            if (app < 0 || appNs < 0 || wallNs <= 0) {
                return -1; // not on Linux, or not allowed to read it: no CPU rows
            }
            double appCores = (app - appNs) / (double) wallNs;
            result(phase + ", CPU of " + appLabel, appCores, "cores", "");
            if (bench < 0 || benchNs < 0) {
                say("%s: CPU %s %.2f cores", phase, appLabel, appCores);
                return -1;
            }
            double benchCores = (bench - benchNs) / (double) wallNs;
            result(phase + ", CPU of " + benchLabel, benchCores, "cores", "");
            say("%s: CPU %s %.2f cores, %s %.2f cores", phase, appLabel, appCores, benchLabel, benchCores);
            return (app - appNs) + (bench - benchNs);
        }
    }

    static final String[] WORDS = {"cozy", "minimal", "rustic", "autumn", "kitchen", "ideas", "easy", "weeknight",
            "dinner", "boho", "living", "room", "small", "space", "garden", "hacks", "vintage", "style", "summer",
            "outfit", "coastal", "bedroom", "watercolor", "sketch", "modern", "farmhouse", "pasta", "vegan", "trail"};
    static final String[] CATEGORIES = {"diy-and-crafts", "home-decor", "travel", "quotes", "beauty", "art",
            "education", "finance", "tattoos", "vehicles"};

    static String word(Random rnd) {
        return WORDS[rnd.nextInt(WORDS.length)];
    }

    static String uuid(Random rnd) {
        return new UUID(rnd.nextLong(), rnd.nextLong()).toString();
    }

    /** A valid pin (pin.schema.json) of RECORD_BYTES bytes (ASCII) with the usual dirty values, padded to size. */
    static String pinJson(int index, String uniqueId, Random rnd) {
        String category = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        String head = "{\"index\":" + index
                + ",\"unique_id\":\"" + uniqueId + "\""
                + ",\"title\":\"No Title Data Available\""
                + ",\"description\":\"";
        String tail = "\",\"poster_name\":\"User Info Error\""
                + ",\"follower_count\":\"" + (1 + rnd.nextInt(999)) + "k\""
                + ",\"tag_list\":\"" + word(rnd) + "," + word(rnd) + "," + word(rnd) + "\""
                + ",\"is_image_or_video\":\"image\""
                + ",\"image_src\":\"https://i.pinimg.com/originals/" + String.format("%032x", rnd.nextLong()) + ".jpg\""
                + ",\"downloaded\":" + rnd.nextInt(2)
                + ",\"save_location\":\"Local save in /data/" + category + "\""
                + ",\"category\":\"" + category + "\"}";
        return padded(head, tail, rnd);
    }

    /** head + random words + tail, RECORD_BYTES long: the words fill the text field that head opens. */
    static String padded(String head, String tail, Random rnd) {
        int room = RECORD_BYTES - head.length() - tail.length();
        StringBuilder fill = new StringBuilder(Math.max(0, room));
        while (fill.length() < room) {
            fill.append(word(rnd)).append(' ');
        }
        fill.setLength(Math.max(0, room));
        return head + fill + tail;
    }

    /** Keyed records, built before any clock starts: the clients are measured, not JSON building. */
    record Records(String[] keys, byte[][] values) {

        /** The JSON of record i, given its key. */
        interface Shape {
            String json(int index, String key, Random rnd);
        }

        /** n valid pins keyed by their unique_id, the same for the same seed. */
        static Records pins(int n, long seed) {
            return of(n, seed, BenchKit::pinJson);
        }

        static Records of(int n, long seed, Shape shape) {
            Random rnd = new Random(seed);
            String[] keys = new String[n];
            byte[][] values = new byte[n][];
            for (int i = 0; i < n; i++) {
                keys[i] = uuid(rnd);
                values[i] = shape.json(i, keys[i], rnd).getBytes(StandardCharsets.UTF_8);
            }
            return new Records(keys, values);
        }

        int size() {
            return keys.length;
        }

        String json(int i) {
            return new String(values[i], StandardCharsets.UTF_8);
        }

        /** Payload bytes of records [from, to). */
        long bytes(int from, int to) {
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += values[i].length;
            }
            return sum;
        }

        int averageBytes() {
            return (int) (bytes(0, size()) / Math.max(1, size()));
        }
    }

    /** A plain idempotent KafkaProducer (acks=all) that counts failed sends; no send waits longer than the timeout. */
    static final class Producer implements AutoCloseable {
        final KafkaProducer<String, byte[]> kafka;
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<Exception> firstError = new AtomicReference<>();
        private final Callback callback = (md, e) -> {
            if (e != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, e);
            }
        };

        Producer(String bootstrap, String clientId, long deliveryTimeoutMs) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            // idempotence also keeps each partition in send order, which maps (partition, offset) back to a record
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
            // bounds every send: a record not acknowledged by then fails instead of waiting forever
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(deliveryTimeoutMs));
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
            kafka = new KafkaProducer<>(p);
        }

        /** partition null: the producer's partitioner picks one from the key. */
        void send(String topic, Integer partition, String key, byte[] value) {
            kafka.send(new ProducerRecord<>(topic, partition, key, value), callback);
        }

        /** Returns once every record sent is acknowledged or failed; throws if any failed. */
        void flush(String what) {
            kafka.flush();
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " sends failed in the " + what, firstError.get());
            }
        }

        /** Untimed: warmup records (the first ones again) into warmTopic, topic's metadata, then a GC. */
        void warmUp(String warmTopic, String topic, Records recs, int warmup, String who) {
            long w0 = System.nanoTime();
            for (int i = 0; i < warmup; i++) {
                int j = i % recs.size();
                send(warmTopic, null, recs.keys()[j], recs.values()[j]);
            }
            flush(who + " warm-up");
            kafka.partitionsFor(topic);
            if (warmup > 0) {
                say("%s warm-up: %d records in %d ms", who, warmup, ms(System.nanoTime() - w0));
            }
            System.gc();
        }

        /** Timed: every record into topic, until the last one is acknowledged; returns the nanoseconds. */
        long sendAll(String topic, Records recs, String what) {
            long t0 = System.nanoTime();
            for (int i = 0; i < recs.size(); i++) {
                send(topic, null, recs.keys()[i], recs.values()[i]);
            }
            flush(what);
            return System.nanoTime() - t0;
        }

        @Override
        public void close() {
            kafka.close(Duration.ofSeconds(30));
        }
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"));
    }

    /** Creates the topics; one that exists already (the app creates its flows' topics) is left as it is. */
    static void createTopics(Admin admin, int partitions, String... topics) throws Exception {
        List<NewTopic> create = Stream.of(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList();
        try {
            admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
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

    /** The group's committed offsets against the topic's end offsets; waits up to timeout for the last commit. */
    static long waitForNoLag(String bootstrap, String group, String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                long lag = 0;
                for (Map.Entry<TopicPartition, Long> e : endOffsets(admin, topic).entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    lag += e.getValue() - (c == null ? 0 : c.offset());
                }
                if (lag == 0 || System.nanoTime() > deadline) {
                    return lag;
                }
                Thread.sleep(500);
            }
        }
    }

    /** A plain consumer's settings: a new group from the earliest offset, String keys, byte[] values, no autocommit. */
    static Properties consumerConfig(String bootstrap, String group, String clientId) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    static MongoClient mongoClient(String uri, int selectionTimeoutS, int readTimeoutS) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(selectionTimeoutS, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(readTimeoutS, TimeUnit.SECONDS))
                .build();
        return MongoClients.create(settings);
    }

    /** The calls of a batched write: {docs, nanos} of each, how many documents it wrote and how long it took. */
    record Batches(List<long[]> calls, long written, long nanos) {

        /** Writes the documents in batches of the given size, timing each call; fails past the deadline. */
        static <T> Batches write(List<T> docs, int batch, int timeoutS, String what, ToLongFunction<List<T>> call) {
            List<long[]> calls = new ArrayList<>();
            long written = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutS);
            for (int from = 0; from < docs.size(); from += batch) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": only " + written + " of " + docs.size()
                            + " docs within " + timeoutS + " s");
                }
                List<T> slice = docs.subList(from, Math.min(docs.size(), from + batch));
                long b0 = System.nanoTime();
                written += call.applyAsLong(slice);
                calls.add(new long[] {slice.size(), System.nanoTime() - b0});
            }
            return new Batches(calls, written, System.nanoTime() - t0);
        }

        long slowestMs() {
            return ms(calls.stream().mapToLong(b -> b[1]).max().orElse(0));
        }

        /** docs/s over the first (or last) calls that together hold at least a tenth of the documents. */
        double tenthRate(boolean last) {
            long minDocs = calls.stream().mapToLong(b -> b[0]).sum() / 10;
            long docs = 0;
            long spent = 0;
            for (int i = 0; i < calls.size() && (docs == 0 || docs < minDocs); i++) {
                long[] b = calls.get(last ? calls.size() - 1 - i : i);
                docs += b[0];
                spent += b[1];
            }
            return spent == 0 ? 0 : docs / (spent / 1e9);
        }
    }

    /** One reading of a growing count. */
    record Sample(long nanos, long count) {
    }

    static Sample firstWith(List<Sample> samples, long count) {
        for (Sample s : samples) {
            if (s.count() >= count) {
                return s;
            }
        }
        return null;
    }

    /** Reads a growing count at a steady pace on a daemon thread, keeping every reading, until it reaches target. */
    static class Counter implements Runnable {
        /** The count now, or a negative number while the server does not answer. */
        interface Reading {
            long get() throws Exception;
        }

        final String label;
        final String unit;
        final long target;
        final Thread thread = new Thread(this, "bench-counter");
        private final long intervalMs;
        private final Reading reading;
        private final List<Sample> samples = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile Throwable failure;

        /** label and unit name the progress line: "label: n of target unit after ... s". */
        Counter(String label, String unit, long target, long intervalMs, Reading reading) {
            this.label = label;
            this.unit = unit;
            this.target = target;
            this.intervalMs = intervalMs;
            this.reading = reading;
            thread.setDaemon(true);
        }

        /** Before the first reading (a subclass may wait for something first). */
        void beforeCounting() throws Exception {
        }

        /** When a reading first shows the target, at {@code nanos}. */
        void reached(long nanos) {
        }

        @Override
        public final void run() {
            try {
                beforeCounting();
                long next = System.nanoTime();
                while (!stop.get()) {
                    long t = System.nanoTime();
                    if (read(t)) {
                        return;
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(intervalMs);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else {
                        next = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure = e;
            }
        }

        /** One reading at t; true once the target is reached. */
        private boolean read(long t) throws Exception {
            long n = reading.get();
            if (n < 0) {
                return false;
            }
            synchronized (samples) {
                samples.add(new Sample(t, n));
            }
            if (n >= target) {
                reached(t);
                return true;
            }
            return false;
        }

        boolean stopping() {
            return stop.get();
        }

        long count() {
            synchronized (samples) {
                return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).count();
            }
        }

        List<Sample> samples() {
            synchronized (samples) {
                return new ArrayList<>(samples);
            }
        }

        /** Waits for the target or the deadline, failing if the app exits; the recording ticks from profileFrom on. */
        void await(App app, String phase, long startNs, long deadlineNs, Recording jfr, long profileFrom)
                throws Exception {
            long lastReport = System.nanoTime();
            try {
                while (thread.isAlive() && System.nanoTime() < deadlineNs) {
                    app.checkAlive(phase);
                    Thread.sleep(100);
                    long n = count();
                    if (jfr != null && n >= profileFrom) {
                        jfr.tick();
                    }
                    if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(15)) {
                        lastReport = System.nanoTime();
                        say("%s: %d of %d %s after %d s (load average %s)", label, n, target, unit,
                                TimeUnit.NANOSECONDS.toSeconds(lastReport - startNs), loadAverage());
                    }
                }
            } finally {
                stop.set(true);
                thread.join(5_000);
            }
            if (failure != null) {
                throw new IllegalStateException(label + ": the counter failed", failure);
            }
        }
    }

    /** Runs jcmd against a process and returns its output; a failure is said, not thrown. */
    static String jcmd(long pid, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(String.valueOf(pid));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                say("jcmd %s failed: %s", String.join(" ", args), out.strip());
            }
            return out;
        } catch (IOException e) {
            say("cannot run jcmd: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /** What a recording looks at: the consumer thread, the packages of the code under test and of its own work. */
    record Focus(String consumer, Predicate<String> isConsumer, List<String> codeUnderTest, List<String> consumerWork,
            String counts) {
    }

    /** The app's flight recording during a phase (--jfr-s), started past its first tenth to leave the JIT out. */
    static class Recording {
        static final Pattern THREAD = Pattern.compile("^\"(.*)\"( #\\d+)?.*?\\bcpu=([0-9.]+)ms", Pattern.MULTILINE);
        final String name;
        final long pid;
        final Path file;
        final int seconds;
        final Focus focus;
        final Map<String, Object> profile = new LinkedHashMap<>();
        private long startedNs = -1;
        private long stoppedNs = -1;
        private long appCpuAtStart = -1;
        private long appCpuAtStop = -1;
        private Map<String, Double> threadMsAtStart = Map.of();
        private Map<String, Double> threadMsAtStop = Map.of();
        private boolean stopped;

        /** file: where the recording goes (a temporary directory, removed with the run). */
        Recording(long pid, Path file, int seconds, Focus focus) {
            this.name = "bench-" + file.getFileName().toString().replace(".jfr", "");
            this.pid = pid;
            this.file = file;
            this.seconds = seconds;
            this.focus = focus;
        }

        /** An event that is neither a GC nor an execution sample. */
        void otherEvent(RecordedEvent e) {
        }

        /** An execution sample of the consumer thread, innermost frame first. */
        void consumerSample(List<RecordedFrame> frames) {
        }

        /** Rows put right after the consumer thread's sample count. */
        void putConsumerSteps(long consumerSamples) {
        }

        /** Rows put at the end of the summary. */
        void putMore() {
        }

        /** Starts the recording on the first call, stops it once its seconds are up. */
        void tick() {
            if (stopped) {
                return;
            }
            if (startedNs < 0) {
                jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
                threadMsAtStart = threadCpuMs();
                appCpuAtStart = processCpuNs(pid);
                startedNs = System.nanoTime();
                say("profile: flight recording of the app started for %d s (past the first tenth of the %s)", seconds,
                        focus.counts());
            } else if (System.nanoTime() - startedNs >= TimeUnit.SECONDS.toNanos(seconds)) {
                stop();
            }
        }

        void stop() {
            if (startedNs < 0 || stopped) {
                return;
            }
            stopped = true;
            threadMsAtStop = threadCpuMs();
            appCpuAtStop = processCpuNs(pid);
            stoppedNs = System.nanoTime();
            jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file);
            profile.put("recorded_seconds", String.format(Locale.ROOT, "%.1f", (stoppedNs - startedNs) / 1e9));
        }

        /** CPU time of every thread of the app so far, in ms, by name and id (Thread.print shows cpu=...ms). */
        private Map<String, Double> threadCpuMs() {
            Map<String, Double> cpu = new HashMap<>();
            Matcher m = THREAD.matcher(jcmd(pid, "Thread.print"));
            while (m.find()) {
                cpu.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
            return cpu;
        }

        void summarise() {
            if (!Files.isRegularFile(file)) {
                say("profile: no recording to summarise (the phase ended before the first tenth was seen?)");
                return;
            }
            double windowMs = (stoppedNs - startedNs) / 1e6;
            if (appCpuAtStart >= 0 && appCpuAtStop >= 0 && windowMs > 0) {
                profile.put("process_cpu_cores", String.format(Locale.ROOT, "%.2f",
                        (appCpuAtStop - appCpuAtStart) / 1e6 / windowMs));
            }
            // threads whose names differ only in digits add up (a server's workers, a pool's threads)
            Map<String, Double> cores = new HashMap<>();
            threadMsAtStop.forEach((thread, cpuMs) -> {
                double used = cpuMs - threadMsAtStart.getOrDefault(thread, 0.0);
                cores.merge(threadName(thread.replaceAll(" #\\d+$", "")), used / windowMs, Double::sum);
            });
            profile.put("thread_cpu_cores", cores.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(12)
                    .map(e -> new String[] {String.format(Locale.ROOT, "%.2f", e.getValue()), e.getKey()})
                    .collect(Collectors.toList()));
            try {
                readSamples();
            } catch (IOException e) {
                say("profile: cannot read the recording: %s", e.getMessage());
            }
        }

        private void readSamples() throws IOException {
            Map<String, Long> self = new HashMap<>();
            Map<String, Long> threads = new HashMap<>();
            Map<String, Long> inclusive = new HashMap<>();
            Map<String, Long> consumerSelf = new HashMap<>();
            Map<String, Long> consumerInclusive = new HashMap<>();
            long consumerSamples = 0;
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
                        otherEvent(e);
                        continue;
                    }
                    samples++;
                    RecordedThread t = e.getThread("sampledThread");
                    String tn = t == null || t.getJavaName() == null ? "?" : threadName(t.getJavaName());
                    threads.merge(tn, 1L, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    List<RecordedFrame> frames = st.getFrames();
                    self.merge(frame(frames.get(0)), 1L, Long::sum);
                    countOnStack(frames, focus.codeUnderTest(), inclusive);
                    if (focus.isConsumer().test(tn)) {
                        consumerSamples++;
                        consumerSelf.merge(frame(frames.get(0)), 1L, Long::sum);
                        countOnStack(frames, focus.consumerWork(), consumerInclusive);
                        consumerSample(frames);
                    }
                }
            }
            profile.put("cpu_samples", samples);
            profile.put("gc_count", gcs);
            profile.put("gc_pause_ms", Math.round(gcPauseMs));
            profile.put("threads", top(threads, samples, 10));
            profile.put("top_self_frames", top(self, samples, 20));
            profile.put("top_inclusive_methods", top(inclusive, samples, 30));
            profile.put(focus.consumer() + "_samples", consumerSamples);
            putConsumerSteps(consumerSamples);
            profile.put(focus.consumer() + "_top_self_frames", top(consumerSelf, consumerSamples, 15));
            profile.put(focus.consumer() + "_top_inclusive_methods", top(consumerInclusive, consumerSamples, 30));
            putMore();
        }

        /** Counts each method of the given packages once per sample that has it on the stack. */
        private static void countOnStack(List<RecordedFrame> frames, List<String> packages, Map<String, Long> into) {
            Set<String> seen = new LinkedHashSet<>();
            for (RecordedFrame f : frames) {
                String n = frame(f);
                if (packages.stream().anyMatch(n::startsWith) && seen.add(n)) {
                    into.merge(n, 1L, Long::sum);
                }
            }
        }

        /** Digits as # (numbered threads add up), and no temporary directory in a name. */
        String threadName(String n) {
            return n.replace(file.getParent().toString(), "<temp dir>").replaceAll("\\d+", "#");
        }

        static String frame(RecordedFrame f) {
            return f.getMethod().getType().getName() + "." + f.getMethod().getName();
        }

        /** The n largest counts as {percent of total, name}. */
        static List<String[]> top(Map<String, Long> counts, long total, int n) {
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(n)
                    .map(e -> new String[] {
                            String.format(Locale.ROOT, "%.1f", 100.0 * e.getValue() / Math.max(1, total)), e.getKey()})
                    .collect(Collectors.toList());
        }

        /** The profile as a JSON object at the given depth: lists as {unit: value, name: ...}, the rest as they are. */
        static Json.Raw json(Map<String, Object> profile, int depth) {
            Map<String, String> fields = new LinkedHashMap<>();
            profile.forEach((key, value) -> fields.put(key, value instanceof List<?> rows
                    ? rows.stream().map(r -> (String[]) r)
                            .map(r -> "{" + q(rowUnit(key)) + ": " + r[0] + ", \"name\": " + q(r[1]) + "}")
                            .collect(Collectors.joining(", ", "[", "]"))
                    : String.valueOf(value)));
            return Json.block(fields, depth);
        }

        /** Prints the app-wide sections, then the consumer's {key, title} ones; codeUnderTest titles the methods. */
        static void print(Map<String, Object> profile, String codeUnderTest, String[][] consumerSections) {
            List<String[]> sections = new ArrayList<>(List.of(
                    new String[] {"thread_cpu_cores", "CPU of the app's threads over the recording (digits as #)"},
                    new String[] {"threads", "CPU samples by thread (digits as #)"},
                    new String[] {"top_self_frames", "top frames (self)"},
                    new String[] {"top_inclusive_methods", "methods on the stack (inclusive; " + codeUnderTest + ")"}));
            sections.addAll(List.of(consumerSections));
            for (String[] section : sections) {
                if (!(profile.get(section[0]) instanceof List<?> rows)) {
                    continue;
                }
                String unit = rowUnit(section[0]);
                System.out.println();
                System.out.println((unit.equals("percent") ? "  % samples" : String.format("%11s", unit)) + "  "
                        + section[1]);
                for (Object r : rows) {
                    System.out.printf(Locale.ROOT, "  %9s  %s%n", ((String[]) r)[0], ((String[]) r)[1]);
                }
            }
            System.out.println();
        }

        private static String rowUnit(String key) {
            return key.equals("thread_cpu_cores") ? "cores" : key.endsWith("_ms") ? "ms" : "percent";
        }
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
}
