// Lake sink benchmark: how fast Caravan's streams-to-lake route drains a backlog of pins from Kafka into the embedded
// S3 lake (NDJSON.gz file sets, intents, manifests, offset commits), measured against a plain KafkaConsumer that gzips
// the same lines and puts them with the AWS SDK into the same S3 server, in the same run.
//
// Run from the repository root: bash bench/lake-sink.sh [--records=N] [--configs=raw+clean,raw] ...
// (bench/bench.sh compiles this file with BenchKit.java and runs it, and the app, from a snapshot of
// target/caravan.jar). See bench/README.md, section "Lake sink benchmark". Never run in CI; nothing asserts on these
// numbers.
package bench;

import static bench.BenchKit.*;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import dev.caravan.config.ClientsConfiguration;
import dev.caravan.embedded.Connections;
import dev.caravan.flow.FlowFile;
import dev.caravan.flow.Rules;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.bson.Document;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

public final class LakeSinkBench {

    static final String TOPIC = "caravan.pins"; // the pins flow's topic, cleaned by its rules in the clean zone
    static final String BUCKET = "caravan-lake"; // caravan.s3.bucket
    static final String S3_ACCESS_KEY = "caravan"; // caravan.embedded.s3.access-key
    static final String S3_SECRET_KEY = "caravan-embedded"; // caravan.embedded.s3.secret-key (local development only)
    static final String LAKE_GROUP = "caravan-lake"; // caravan.lake.group
    static final int LAKE_BATCH = 2000; // caravan.lake.batch-size: the raw consumer polls as many records at a time
    static final double TARGET = 0.70; // lake records/s >= 70 % of the raw limit's records/s
    static final long ASSIGN_POLL_MS = 50; // how often the lake group's assignment is read once its route starts
    static final String PLACEHOLDERS = "No description available Story format|No Title Data Available|User Info Error"
            + "|Image src error.|N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e|No description available"; // caravan.clean.placeholders

    /** The pins flow's cleaning, as routes/flows/pins.camel.yaml declares it. */
    static Rules pinRules() throws IOException {
        return FlowFile.read(Path.of("routes/flows/pins.camel.yaml"),
                v -> v.replace("{{caravan.clean.placeholders}}", PLACEHOLDERS)).get(0).rules();
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    /** A Caravan configuration: the zones it writes, and a group and key prefix of its own so runs do not mix. */
    record LakeConfig(String name, String zones, String group, String prefix) {
        boolean clean() {
            return zones.contains("clean");
        }

        /** The app's environment: only the lake works, on the benchmark's topic, with this configuration's zones. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CARAVAN_MONGO_FLOWS", ""); // no MongoDB sink: only the lake works
            // the pollers would call public APIs and write to their topics while we measure
            env.put("CARAVAN_POLL_ENABLED", "false");
            env.put("CARAVAN_LAKE_FLOWS", "pins");
            env.put("CARAVAN_FLOWS_PINS_LAKE", zones);
            env.put("CARAVAN_LAKE_FLUSH_RECORDS", String.valueOf(flushRecords));
            env.put("CARAVAN_LAKE_GZIP_THREADS", String.valueOf(gzipThreads));
            // the benchmark stops and starts the lake's route through its MBean
            env.put("CAMEL_MAIN_JMXENABLED", "true");
            if (!group.equals(LAKE_GROUP)) {
                env.put("CARAVAN_LAKE_GROUP", group);
            }
            if (!prefix.isEmpty()) {
                env.put("CARAVAN_S3_PREFIX", prefix);
            }
            return env;
        }
    }

    /** A raw-limit variant: raw zone only, or both zones (clean lines prepared before the clock, or cleaned inline). */
    record RawVariant(String name, boolean clean, boolean inline, String label) {
    }

    static final LakeConfig BOTH_ZONES = new LakeConfig("raw+clean", "raw,clean", LAKE_GROUP, "");
    static final LakeConfig RAW_ZONE = new LakeConfig("raw", "raw", "bench-lake-raw-zone", "bench-raw-zone-only");
    static final RawVariant RAW_ONLY = new RawVariant("raw", false, false, "raw zone");
    static final RawVariant RAW_CLEAN = new RawVariant("raw+clean", true, false,
            "raw+clean zones, clean lines prepared");
    static final RawVariant RAW_CLEAN_INLINE = new RawVariant("raw+clean-inline", true, true,
            "raw+clean zones, parse+clean+JSON inline");

    static int records;
    static int warmupRecords;
    static List<LakeConfig> configs;
    static int flushRecords;
    static boolean inlineClean;
    static int gzipThreads;
    static int pollMs;
    static int lakeTimeoutS;

    static final Map<String, Map<String, Object>> PROFILES = new LinkedHashMap<>(); // JFR summary per configuration

    // the records, built before any clock starts: the pipelines are measured, not JSON building
    static Records pins;
    static int[][] backlogPlan; // [partition][k]: the record at the k-th offset of the partition's backlog
    static int[][] warmupPlan; // the same for the warm-up records that come before it
    static byte[][] cleanTails; // the cleaned record as JSON without its opening brace (raw+clean variant)
    static long payloadBytes;
    static int units; // backlog units (file sets) of flush-records records
    static int warmupUnits;

    public static void main(String[] args) {
        runMain(args, "lake-sink.sh", LakeSinkBench::run);
    }

    static int run(Options opts) throws Exception {
        options(opts);
        // the watcher's admin client retries while a consumer group forms; those retries are expected
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
        Machine machine = Machine.describe("Lake sink benchmark");
        say("backlog %d pins of %d B in %s (%d partitions), warm-up %d records, flush-records=%d, configurations %s",
                records, RECORD_BYTES, TOPIC, PARTITIONS, warmupRecords, flushRecords,
                configs.stream().map(LakeConfig::name).toList());

        Path tmp = Files.createTempDirectory("caravan-lake-sink-bench-");
        App app = null;
        S3Client s3 = null;
        Map<String, LakeRun> lake = new LinkedHashMap<>();
        Map<String, RawRun> raw = new LinkedHashMap<>();
        Map<String, String> loads = new LinkedHashMap<>();
        try {
            Launch launch = Launch.in(tmp, AppPorts.free(4), readyTimeoutS);
            String bootstrap = launch.ports().bootstrap();
            s3 = ClientsConfiguration.s3Client(new Connections(null, false, null, null, false,
                    "http://" + HOST + ":" + launch.ports().s3(), "us-east-1", BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY,
                    true), true);

            buildRecords();

            for (int k = 0; k < configs.size(); k++) {
                LakeConfig c = configs.get(k);
                loads.put("before caravan " + c.name, loadAverage());
                app = launch.start("work-" + c.name.replace('+', '-'), c.env());
                LakeRun run = lakePhase(c, app, s3, bootstrap);
                lake.put(c.name, run);

                // the raw limits against the same broker, S3 server and records, while this app idles
                settle(app, settleS, "raw limits (" + c.name + ")");
                loads.put("before the raw limits (" + c.name + ")", loadAverage());
                List<RawVariant> variants = !c.clean() ? List.of(RAW_ONLY)
                        : inlineClean ? List.of(RAW_CLEAN, RAW_CLEAN_INLINE) : List.of(RAW_CLEAN);
                for (RawVariant v : variants) {
                    raw.put(v.name, rawPhase(app, v, s3, bootstrap, run));
                }
                // the same bytes: the backlog's first unit of partition 0 as the app wrote it and as the raw limit did
                compareFiles(s3, c, run, raw.get(c.clean() ? RAW_CLEAN.name : RAW_ONLY.name));
                if (k + 1 < configs.size()) {
                    // the next configuration starts on an empty log, as this one did
                    deleteAllRecords(bootstrap);
                }
                app.stop("after " + c.name);
                app = null;
            }
        } finally {
            if (app != null) {
                app.stop("end");
            }
            if (s3 != null) {
                s3.close();
            }
            deleteTree(tmp);
        }

        ratios(lake, raw);
        loadRow("at start", machine.loadAtStart());
        loads.forEach(BenchKit::loadRow);
        RESULTS.printTable(machine);
        printProfiles();
        RESULTS.writeJson("lake-sink", machine, sections(machine));
        return 0;
    }

    static void options(Options opts) {
        records = opts.positive("records", 500_000);
        warmupRecords = opts.zeroOrMore("warmup", 150_000);
        String configsOpt = opts.text("configs", "raw+clean,raw");
        flushRecords = opts.positive("flush-records", 10_000);
        inlineClean = opts.zeroOrMore("inline-clean", 1) != 0;
        gzipThreads = opts.zeroOrMore("gzip-threads", 1);
        pollMs = opts.positive("poll-ms", 200);
        lakeTimeoutS = opts.sinkPhases("lake-timeout-s");
        opts.done();
        Set<LakeConfig> chosen = new LinkedHashSet<>();
        for (String c : configsOpt.split(",")) {
            switch (c.trim()) {
                case "raw+clean" -> chosen.add(BOTH_ZONES);
                case "raw" -> chosen.add(RAW_ZONE);
                default -> opts.fail("--configs takes raw+clean and/or raw, got " + c);
            }
        }
        configs = List.copyOf(chosen);
        if (records % flushRecords != 0 || warmupRecords % flushRecords != 0) {
            // a partial unit would wait for the 60 s rotation timer: a latency setting, not throughput
            opts.fail("--records and --warmup must be multiples of --flush-records (" + flushRecords + "), got "
                    + records + " and " + warmupRecords);
        }
        units = records / flushRecords;
        warmupUnits = warmupRecords / flushRecords;
    }

    static void ratios(Map<String, LakeRun> lake, Map<String, RawRun> raw) {
        for (LakeConfig c : configs) {
            LakeRun l = lake.get(c.name);
            RawVariant primary = c.clean() ? RAW_CLEAN : RAW_ONLY;
            RawRun r = raw.get(primary.name);
            ratio("caravan " + c.name + " ÷ raw limit " + primary.label, l.rate, r.rate,
                    String.format(Locale.ROOT, ">= %.0f %%", TARGET * 100), l.rate >= TARGET * r.rate);
            ratio("caravan " + c.name + " ÷ raw limit " + primary.label + ", both after the first tenth", l.steady,
                    r.steady, "", null);
            if (c.clean() && raw.containsKey(RAW_CLEAN_INLINE.name)) {
                ratio("caravan " + c.name + " ÷ raw limit " + RAW_CLEAN_INLINE.label, l.rate,
                        raw.get(RAW_CLEAN_INLINE.name).rate, "", null);
            }
        }
    }

    static Json sections(Machine machine) {
        Json sections = new Json().put("load_average_at_start", machine.loadJson())
                .put("config", new Json().put("records", records).put("record_bytes", RECORD_BYTES)
                        .put("payload_bytes", payloadBytes).put("topic", TOPIC).put("partitions", PARTITIONS)
                        .put("flush_records", flushRecords).put("lake_batch", LAKE_BATCH)
                        .put("configurations", configs.stream().map(LakeConfig::name).toList())
                        .put("warmup_records", warmupRecords).put("inline_clean", inlineClean).put("gzip_threads", gzipThreads).put("poll_ms", pollMs)
                        .put("lake_timeout_s", lakeTimeoutS).put("raw_timeout_s", rawTimeoutS)
                        .put("settle_s", settleS).put("jfr_s", jfrS))
                .put("targets", new Json().put("lake_min_percent_of_raw_limit", TARGET * 100));
        if (PROFILES.values().stream().anyMatch(p -> p.containsKey("cpu_samples"))) {
            Map<String, String> profiles = new LinkedHashMap<>();
            PROFILES.forEach((config, profile) -> profiles.put(config, Recording.json(profile, 2).json()));
            sections.put("profiles", Json.block(profiles, 1));
        }
        return sections;
    }

    /** Keys, values, the partition plans and (for the raw+clean limit) the cleaned lines, before any clock. */
    static void buildRecords() throws IOException {
        long t0 = System.nanoTime();
        int n = Math.max(records, warmupRecords);
        pins = Records.pins(n, 42);
        payloadBytes = pins.bytes(0, records);
        backlogPlan = plan(records);
        warmupPlan = plan(warmupRecords); // the warm-up reuses the first records' contents
        if (configs.stream().anyMatch(LakeConfig::clean)) {
            Rules cleaner = pinRules();
            cleanTails = new byte[n][];
            for (int i = 0; i < n; i++) {
                byte[] json = cleanedJson(cleaner, pins.values()[i], null, 0, 0);
                cleanTails[i] = Arrays.copyOfRange(json, 1, json.length);
            }
            // the prepared line must be what inline cleaning gives, or the raw+clean variants measure different bytes
            byte[] inline = cleanedJson(cleaner, pins.values()[0], TOPIC, 1, 12345);
            byte[] prepared = new Line().cleanHead(1, 12345).put(cleanTails[0]).bytes();
            if (!Arrays.equals(inline, prepared)) {
                throw new IllegalStateException("prepared clean line differs from the inline one:\n"
                        + new String(prepared, StandardCharsets.UTF_8) + "\n"
                        + new String(inline, StandardCharsets.UTF_8));
            }
        }
        say("records built in %d ms: backlog %s and warm-up %s records per partition, %d B of backlog payload%s",
                ms(System.nanoTime() - t0), Arrays.toString(sizes(backlogPlan)), Arrays.toString(sizes(warmupPlan)),
                payloadBytes, cleanTails != null ? ", cleaned lines prepared" : "");
    }

    static int[] sizes(int[][] plan) {
        return Arrays.stream(plan).mapToInt(a -> a.length).toArray();
    }

    /**
     * Records 0..count-1 spread round-robin over the partitions, in whole units per partition: every unit is closed by
     * its record count and none waits for the rotation timer. [partition][k] is the record at the k-th offset.
     */
    static int[][] plan(int count) {
        int u = count / flushRecords;
        int[][] at = new int[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            at[p] = new int[(u / PARTITIONS + (p < u % PARTITIONS ? 1 : 0)) * flushRecords];
        }
        int[] filled = new int[PARTITIONS];
        int p = 0;
        for (int i = 0; i < count; i++) {
            while (filled[p] == at[p].length) {
                p = (p + 1) % PARTITIONS;
            }
            at[p][filled[p]++] = i;
            p = (p + 1) % PARTITIONS;
        }
        return at;
    }

    /**
     * The clean zone's line as LakeCleaning writes it: _topic, _partition, _offset, then what the pins flow's rules
     * return (pins hold no dates, so its values are written as they are). With topic null, only the cleaned fields.
     */
    static byte[] cleanedJson(Rules cleaner, byte[] value, String topic, int partition, long offset)
            throws IOException {
        Map<String, Object> parsed = JSON.readValue(value, MAP);
        Document cleaned = cleaner.clean(parsed, new Rules.Meta(topic, partition, offset, null));
        Map<String, Object> out = new LinkedHashMap<>();
        if (topic != null) {
            out.put("_topic", topic);
            out.put("_partition", partition);
            out.put("_offset", offset);
        }
        cleaned.forEach(out::put);
        return JSON.writeValueAsBytes(out);
    }

    /**
     * Produces a plan's records with a plain KafkaProducer, keyed by unique_id, each to its planned partition, and
     * checks that each partition grew by exactly its share. Returns the produce rate.
     */
    static double produce(String bootstrap, int[][] plan, long[] base, String what) throws Exception {
        int count = Arrays.stream(plan).mapToInt(a -> a.length).sum();
        double s;
        try (Producer producer = new Producer(bootstrap, "bench-producer", 300_000)) {
            long t0 = System.nanoTime();
            // interleaved over the partitions, so each partition's records are spread over the whole produce run
            int[] next = new int[PARTITIONS];
            int sent = 0;
            while (sent < count) {
                for (int part = 0; part < PARTITIONS; part++) {
                    if (next[part] < plan[part].length) {
                        int i = plan[part][next[part]++];
                        producer.send(TOPIC, part, pins.keys()[i], pins.values()[i]);
                        sent++;
                    }
                }
            }
            producer.flush(what);
            s = (System.nanoTime() - t0) / 1e9;
        }
        long[] end = partitionEnds(bootstrap);
        for (int part = 0; part < PARTITIONS; part++) {
            if (end[part] != base[part] + plan[part].length) {
                throw new IllegalStateException(TOPIC + "-" + part + " ends at " + end[part] + " after the " + what
                        + ", expected " + (base[part] + plan[part].length));
            }
        }
        say("%s: %d records produced in %.2f s = %.0f records/s", what, count, s, count / s);
        return count / s;
    }

    /** End offsets of the topic's partitions; creates the topic first if the app has not (it does at start-up). */
    static long[] partitionEnds(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            createTopics(admin, PARTITIONS, TOPIC);
            Map<TopicPartition, Long> end = endOffsets(admin, TOPIC);
            if (end.size() != PARTITIONS) {
                throw new IllegalStateException(TOPIC + " has " + end.size() + " partitions, expected " + PARTITIONS);
            }
            long[] out = new long[PARTITIONS];
            end.forEach((tp, o) -> out[tp.partition()] = o);
            return out;
        }
    }

    /** Moves the topic's log start to its end, so the next configuration's new group finds it empty. */
    static void deleteAllRecords(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
            endOffsets(admin, TOPIC).forEach((tp, end) -> all.put(tp, RecordsToDelete.beforeOffset(end)));
            admin.deleteRecords(all).all().get(60, TimeUnit.SECONDS);
        }
        say("the records of %s deleted (log start moved to the end) for the next configuration", TOPIC);
    }

    /** A configuration's run: its rates and where its warm-up and backlog start in each partition. */
    record LakeRun(double rate, double steady, long[] warmupBase, long[] backlogBase, String firstRawKey,
            String firstCleanKey) {
    }

    /** The lake route's start and stop, over JMX (Camel's route MBean), in the app's own JVM. */
    static final class LakeRoute implements AutoCloseable {
        static final String ROUTE = "streams-to-lake";
        final JMXConnector connector;
        final MBeanServerConnection mbeans;
        final ObjectName route;

        private LakeRoute(JMXConnector connector, MBeanServerConnection mbeans, ObjectName route) {
            this.connector = connector;
            this.mbeans = mbeans;
            this.route = route;
        }

        static LakeRoute attach(long pid) throws Exception {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            for (ObjectName n : mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null)) {
                if (ROUTE.equals(ObjectName.unquote(n.getKeyProperty("name")))) {
                    return new LakeRoute(connector, mbeans, n);
                }
            }
            connector.close();
            throw new IllegalStateException("no route " + ROUTE + " among the app's Camel MBeans");
        }

        void stop() throws Exception {
            mbeans.invoke(route, "stop", new Object[0], new String[0]);
        }

        void start() throws Exception {
            mbeans.invoke(route, "start", new Object[0], new String[0]);
        }

        @Override
        public void close() throws IOException {
            connector.close();
        }
    }

    /**
     * Watches the timed part of a configuration's run: when the lake group's assignment is first seen, then the number
     * of manifests in S3 (a manifest is the last write of a unit, before its commit) until every backlog unit has one.
     */
    static final class LakeWatch extends Counter {
        final String group;
        final String bootstrap;
        final long pid;
        volatile long assignedNs = -1;
        volatile long landedNs = -1;
        volatile long appCpuAtLanded = -1;
        volatile long benchCpuAtLanded = -1;
        volatile Map<Long, long[]> threadsAtLanded = Map.of();

        LakeWatch(String tag, LakeConfig config, String bootstrap, S3Client s3, long pid) {
            super(tag, "units landed", units, pollMs, () -> backlogUnitsLanded(s3, config));
            this.group = config.group;
            this.bootstrap = bootstrap;
            this.pid = pid;
        }

        @Override
        void beforeCounting() throws Exception {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            try (Admin admin = Admin.create(p)) {
                while (!stopping() && assignedNs < 0) {
                    try {
                        if (assigned(admin, group) >= PARTITIONS) {
                            // when the answer came: the assignment happened before, how long before is not known
                            assignedNs = System.nanoTime();
                            break;
                        }
                    } catch (ExecutionException | TimeoutException notYet) {
                        // the group is forming
                    }
                    Thread.sleep(ASSIGN_POLL_MS);
                }
            }
        }

        @Override
        void reached(long nanos) {
            appCpuAtLanded = processCpuNs(pid);
            benchCpuAtLanded = ownCpuNs();
            threadsAtLanded = ThreadTimes.of(pid);
            landedNs = nanos;
        }
    }

    /** Backlog units whose manifest is in S3, or -1 when S3 does not answer this poll. */
    static long backlogUnitsLanded(S3Client s3, LakeConfig c) {
        try {
            // one LIST per poll: the reconcile endpoint reads every manifest, which would load the app
            return countManifests(s3, manifestPrefix(c)) - warmupUnits;
        } catch (SdkException notNow) {
            return -1;
        }
    }

    /** Partitions of the topic assigned to the group's members. */
    static long assigned(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                .get(3, TimeUnit.SECONDS);
        return d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                .filter(tp -> tp.topic().equals(TOPIC)).count();
    }

    static String manifestPrefix(LakeConfig c) {
        return (c.prefix.isEmpty() ? "" : c.prefix + "/") + "_manifests/" + TOPIC + "/";
    }

    static long countManifests(S3Client s3, String prefix) {
        return listKeys(s3, prefix).stream()
                .filter(k -> k.endsWith(".json") && !k.endsWith("/_pending.json") && !k.contains("/compacted/"))
                .count();
    }

    static List<String> listKeys(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key).collect(Collectors.toList());
    }

    /**
     * One configuration on a freshly started app: the warm-up records produced while the lake runs (untimed), the
     * lake route stopped, the backlog produced, the route started; timed from the route's start until every backlog
     * unit's manifest is in S3, then checked with the reconcile endpoint and the group's offsets.
     */
    static LakeRun lakePhase(LakeConfig c, App app, S3Client s3, String bootstrap) throws Exception {
        String tag = "caravan " + c.name;
        long[] warmupBase = partitionEnds(bootstrap);
        long[] backlogBase;
        double[] rates;
        try (LakeRoute route = LakeRoute.attach(app.pid())) {
            if (warmupRecords > 0) {
                warmUp(tag, c, app, s3, bootstrap, warmupBase);
            }
            // stopped, the route leaves the group and the backlog waits in Kafka untouched
            route.stop();
            waitForNoMembers(bootstrap, c.group, Duration.ofSeconds(60));
            backlogBase = partitionEnds(bootstrap);
            double produced = produce(bootstrap, backlogPlan, backlogBase, tag + ": backlog (the lake route stopped)");
            result(tag + ": backlog produce (not a target, for reference)", produced, "records/s", "");
            settle(app, settleS, "lake phase (" + c.name + ")");
            rates = drain(tag, c, app, s3, bootstrap, route);
        }
        String[] first = check(tag, c, app, s3, bootstrap, manifestPrefix(c), backlogBase);
        return new LakeRun(rates[0], rates[1], warmupBase, backlogBase, first[0], first[1]);
    }

    /** Untimed: the app's JIT compiles the lake's path on these, as the raw limit's warm-up does for its own. */
    static void warmUp(String tag, LakeConfig c, App app, S3Client s3, String bootstrap, long[] base)
            throws Exception {
        long w0 = System.nanoTime();
        produce(bootstrap, warmupPlan, base, tag + ": warm-up (the lake consumes as they come)");
        long deadline = w0 + TimeUnit.SECONDS.toNanos(lakeTimeoutS);
        while (countManifests(s3, manifestPrefix(c)) < warmupUnits) {
            if (System.nanoTime() > deadline || !app.proc.isAlive()) {
                throw new IllegalStateException(tag + ": the warm-up did not land within " + lakeTimeoutS
                        + " s; the end of the app's log:\n" + tail(app.log, 30));
            }
            Thread.sleep(pollMs);
        }
        say("%s: warm-up of %d records landed %.1f s after its first send", tag, warmupRecords,
                (System.nanoTime() - w0) / 1e9);
    }

    /** The timed drain, from the route's start until every backlog unit has landed. Returns {rate, steady rate}. */
    static double[] drain(String tag, LakeConfig c, App app, S3Client s3, String bootstrap, LakeRoute route)
            throws Exception {
        LakeWatch watch = new LakeWatch(tag, c, bootstrap, s3, app.pid());
        Recording jfr = jfrS > 0 ? new LakeRecording(c, app.pid(), app.log.resolveSibling("lake-sink-"
                + c.name.replace('+', '-') + ".jfr")) : null;
        watch.thread.start();
        Map<Long, long[]> threadsAtStart = ThreadTimes.of(app.pid());
        long appCpuAtStart = processCpuNs(app.pid());
        long benchCpuAtStart = ownCpuNs();
        // the clock starts here: the route's consumer is created, joins the group and fetches within it
        long startedNs = System.nanoTime();
        route.start();
        say("%s: lake route started; waiting for %d backlog units under %s (deadline %d s) ...", tag, units,
                manifestPrefix(c), lakeTimeoutS);
        try {
            // past the first tenth, so the profile shows the steady state rather than the consumer's start
            watch.await(app, "lake phase", startedNs, startedNs + TimeUnit.SECONDS.toNanos(lakeTimeoutS), jfr,
                    Math.max(1, units / 10));
        } finally {
            if (jfr != null) {
                jfr.stop();
            }
        }
        if (watch.landedNs < 0) {
            throw new IllegalStateException(tag + ": " + watch.count() + " of " + units + " units landed within "
                    + lakeTimeoutS + " s of the route's start (--lake-timeout-s); assigned: "
                    + (watch.assignedNs >= 0) + "; the end of the app's log:\n" + tail(app.log, 30));
        }
        double[] rates = report(tag, c, app, watch, startedNs, threadsAtStart, appCpuAtStart, benchCpuAtStart);
        if (jfr != null) {
            jfr.summarise();
        }
        return rates;
    }

    /** The timed part's rows: rates, times, CPU of the app and of its threads. Returns {rate, steady rate}. */
    static double[] report(String tag, LakeConfig c, App app, LakeWatch watch, long startedNs,
            Map<Long, long[]> threadsAtStart, long appCpuAtStart, long benchCpuAtStart) {
        List<Sample> all = watch.samples();
        Sample first = firstWith(all, 1);
        Sample tenth = firstWith(all, Math.max(1, units / 10));
        long wallNs = watch.landedNs - startedNs;
        double s = wallNs / 1e9;
        double rate = records / s;
        double steady = tenth.nanos() < watch.landedNs
                ? (records - tenth.count() * (long) flushRecords) / ((watch.landedNs - tenth.nanos()) / 1e9) : 0;
        say("%s: %d records landed %.2f s after the lake route's start = %.0f records/s, %.1f MB/s (assignment seen"
                + " after %d ms, first unit after %d ms; after the first tenth %.0f records/s)", tag, records, s, rate,
                payloadBytes / s / 1e6, ms(watch.assignedNs - startedNs), ms(first.nanos() - startedNs), steady);
        result(tag + ": route start to assignment seen", ms(watch.assignedNs - startedNs), "ms", "");
        result(tag + ": route start to first backlog unit landed", ms(first.nanos() - startedNs), "ms", "");
        result(tag + ": route start to everything landed", s, "s", "");
        result(tag + " (zones " + c.zones + ", from route start)", rate, "records/s", "");
        result(tag + " payload", payloadBytes / s / 1e6, "MB/s", "");
        result(tag + ", after the first tenth of the units", steady, "records/s", "");
        if (appCpuAtStart >= 0 && watch.appCpuAtLanded >= 0) {
            double cores = (watch.appCpuAtLanded - appCpuAtStart) / (double) wallNs;
            result(tag + ", CPU of app (lake, broker, S3 server)", cores, "cores", "");
            result(tag + ", CPU of app per record", (watch.appCpuAtLanded - appCpuAtStart) / 1e3 / records, "µs", "");
            say("%s: CPU of the app %.2f cores", tag, cores);
        }
        if (benchCpuAtStart >= 0 && watch.benchCpuAtLanded >= 0) {
            double cores = (watch.benchCpuAtLanded - benchCpuAtStart) / (double) wallNs;
            result(tag + ", CPU of the benchmark (watcher)", cores, "cores", "");
        }
        ThreadTimes.report(tag, app.pid(), threadsAtStart, watch.threadsAtLanded, wallNs);
        return new double[] {rate, steady};
    }

    /**
     * What must hold at the end: reconcile sees every offset landed once up to the log end, the group has committed
     * them all, and each zone's manifests count every record. Returns the keys of the backlog's first unit of
     * partition 0 (raw, clean), or nulls when that unit has a file per hour.
     */
    static String[] check(String tag, LakeConfig c, App app, S3Client s3, String bootstrap, String manifests,
            long[] backlogBase) throws Exception {
        long expected = (long) warmupRecords + records;
        JsonNode report = reconcile(app);
        boolean ok = report.path("ok").asBoolean(false);
        long landedRecords = 0;
        for (JsonNode part : report.path("partitions")) {
            landedRecords += part.path("records").asLong();
            if (part.path("landedTo").asLong() != part.path("logEnd").asLong()) {
                ok = false;
            }
        }
        if (!ok || landedRecords != expected) {
            throw new IllegalStateException(tag + ": reconcile does not show the " + expected + " records landed once: "
                    + report);
        }
        result(tag + ": reconcile (landedTo = logEnd, no gap, no overlap)", report.path("files").asLong(), "files",
                "ok: OK");
        long lag = waitForNoLag(bootstrap, c.group, TOPIC, Duration.ofSeconds(30));
        result(tag + ": consumer lag of " + c.group + " at the end", lag, "records",
                "0: " + (lag == 0 ? "OK" : "NOT OK"));

        Map<String, long[]> zones = new LinkedHashMap<>(); // zone -> {files, records, bytes, uncompressed}
        String firstRaw = null;
        String firstClean = null;
        int rawFiles = 0;
        int cleanFiles = 0;
        for (String key : listKeys(s3, manifests)) {
            if (!key.endsWith(".json") || key.endsWith("/_pending.json") || key.contains("/compacted/")) {
                continue;
            }
            JsonNode m = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
            boolean firstUnit = m.path("partition").asInt() == 0 && m.path("from").asLong() == backlogBase[0];
            for (JsonNode f : m.path("files")) {
                String zone = f.path("zone").asText();
                long[] z = zones.computeIfAbsent(zone, k -> new long[4]);
                z[0]++;
                z[1] += f.path("records").asLong();
                z[2] += f.path("bytes").asLong();
                z[3] += f.path("uncompressedBytes").asLong();
                if (firstUnit && zone.equals("raw")) {
                    firstRaw = f.path("key").asText();
                    rawFiles++;
                } else if (firstUnit && zone.equals("clean")) {
                    firstClean = f.path("key").asText();
                    cleanFiles++;
                }
            }
        }
        for (Map.Entry<String, long[]> z : zones.entrySet()) {
            long[] v = z.getValue();
            say("%s: %s zone: %d files, %d records, %.1f MB gzip (%.1f MB of NDJSON), warm-up included", tag,
                    z.getKey(), v[0], v[1], v[2] / 1e6, v[3] / 1e6);
            if (v[1] != expected) {
                throw new IllegalStateException(tag + ": the " + z.getKey() + " zone holds " + v[1]
                        + " records, expected " + expected);
            }
        }
        // a unit that straddles an hour has a file per hour: then there is no single file to compare
        return new String[] {rawFiles == 1 ? firstRaw : null, cleanFiles == 1 ? firstClean : null};
    }

    static JsonNode reconcile(App app) throws Exception {
        HttpResponse<String> res = app.get("/api/v1/lake/reconcile?topic=" + TOPIC, 30);
        if (res.statusCode() != 200) {
            throw new IllegalStateException("reconcile answered " + res.statusCode() + ": " + res.body());
        }
        return JSON.readTree(res.body());
    }

    /** Waits until the group has no members (the stopped route's consumer has left it). */
    static void waitForNoMembers(String bootstrap, String group, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap)) {
            while (!admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS)
                    .members().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group " + group + " still has members " + timeout.toSeconds()
                            + " s after the lake route was stopped");
                }
                Thread.sleep(100);
            }
        }
    }


    record RawRun(double rate, double steady, String firstRawKey, String firstCleanKey) {
    }

    /** One NDJSON line being assembled, so it reaches the gzip stream in a single write. */
    static final class Line {
        static final byte[] RAW_HEAD = ("{\"topic\":\"" + TOPIC + "\",\"partition\":").getBytes(StandardCharsets.UTF_8);
        static final byte[] OFFSET = ",\"offset\":".getBytes(StandardCharsets.UTF_8);
        static final byte[] TIMESTAMP = ",\"timestamp\":".getBytes(StandardCharsets.UTF_8);
        static final byte[] KEY = ",\"key\":\"".getBytes(StandardCharsets.UTF_8);
        static final byte[] VALUE = "\",\"value\":".getBytes(StandardCharsets.UTF_8);
        static final byte[] CLEAN_HEAD = ("{\"_topic\":\"" + TOPIC + "\",\"_partition\":")
                .getBytes(StandardCharsets.UTF_8);
        static final byte[] CLEAN_OFFSET = ",\"_offset\":".getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[4096];
        int len;

        Line put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        Line put(byte b) {
            ensure(1);
            buf[len++] = b;
            return this;
        }

        Line put(long v) {
            return ascii(Long.toString(v));
        }

        Line ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[len++] = (byte) s.charAt(i);
            }
            return this;
        }

        /** The raw zone's line: the record's coordinates and its value as received (UUID keys: no escaping). */
        Line raw(int partition, long offset, long timestamp, String key, byte[] value) {
            len = 0;
            return put(RAW_HEAD).put(partition).put(OFFSET).put(offset).put(TIMESTAMP).put(timestamp).put(KEY)
                    .ascii(key).put(VALUE).put(value).put((byte) '}');
        }

        /** The clean zone's line up to the cleaned fields: the record's origin. */
        Line cleanHead(int partition, long offset) {
            len = 0;
            return put(CLEAN_HEAD).put(partition).put(CLEAN_OFFSET).put(offset).put((byte) ',');
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }
    }

    /** One zone's file of one partition being filled: NDJSON gzip-compressed in memory, as LakeFile does. */
    static final class Chunk {
        final String zone;
        long firstOffset = -1;
        int records;
        ByteArrayOutputStream bytes;
        BufferedOutputStream out;

        Chunk(String zone) {
            this.zone = zone;
            open();
        }

        void open() {
            try {
                bytes = new ByteArrayOutputStream(1 << 20);
                // the same gzip stream and buffer as LakeFile, fed by a buffer so each line is not its own deflate call
                out = new BufferedOutputStream(new GZIPOutputStream(bytes, 64 * 1024), 64 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            firstOffset = -1;
            records = 0;
        }

        void add(long offset, Line line) throws IOException {
            if (firstOffset < 0) {
                firstOffset = offset;
            }
            out.write(line.buf, 0, line.len);
            out.write('\n');
            records++;
        }

        byte[] finish() throws IOException {
            out.close(); // finishes the gzip member
            return bytes.toByteArray();
        }
    }

    /**
     * An untimed pass over the warm-up records (the same code, as the app's lake had its warm-up), then the timed pass
     * over the backlog, each with a new consumer group.
     */
    static RawRun rawPhase(App app, RawVariant v, S3Client s3, String bootstrap, LakeRun run) throws Exception {
        if (warmupRecords > 0) {
            long w0 = System.nanoTime();
            rawPass(app, v, s3, bootstrap, "bench-raw-warmup/" + v.name, warmupPlan, run.warmupBase, false);
            say("raw limit %s: warm-up of %d records in %d ms", v.label, warmupRecords, ms(System.nanoTime() - w0));
        }
        System.gc();
        return rawPass(app, v, s3, bootstrap, "bench-raw-limit/" + v.name, backlogPlan, run.backlogBase, true);
    }

    /** Consumes each partition's records [base, base + plan) and puts them as NDJSON.gz chunks of flush-records. */
    static RawRun rawPass(App app, RawVariant v, S3Client s3, String bootstrap, String prefix, int[][] plan,
            long[] base, boolean timed) throws Exception {
        String tag = "raw limit " + v.label;
        int limit = Arrays.stream(plan).mapToInt(a -> a.length).sum();
        Properties p = consumerConfig(bootstrap, "bench-raw-" + v.name + "-" + UUID.randomUUID(),
                "bench-raw-" + v.name);
        // as the app's consumers: read_committed, and as many records per poll as the lake's batch
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(LAKE_BATCH));
        Rules cleaner = v.inline ? pinRules() : null;
        Chunk[] raw = new Chunk[PARTITIONS];
        Chunk[] clean = new Chunk[PARTITIONS];
        for (int i = 0; i < PARTITIONS; i++) {
            raw[i] = new Chunk("raw");
            clean[i] = v.clean ? new Chunk("clean") : null;
        }
        Line line = new Line();
        AtomicLong assignedNs = new AtomicLong(-1);
        long subscribedNs;
        List<long[]> landed = new ArrayList<>(); // {nanos, records put so far} after each chunk
        String[] firstKeys = new String[2];
        long consumed = 0;
        long put = 0;
        long gzipBytes = 0;
        long firstNs = -1;
        long endNs;
        Cpu cpu = null;
        long[] selfAtFirst = null;
        long[] selfAtEnd;
        if (timed) {
            say("%s: consuming %d records from %s and putting NDJSON.gz under %s/ ...", tag, limit, TOPIC, prefix);
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            subscribedNs = System.nanoTime();
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // a new group starts at the log start: the records of this pass start further on
                    for (TopicPartition tp : partitions) {
                        consumer.seek(tp, base[tp.partition()]);
                    }
                    if (!partitions.isEmpty()) {
                        assignedNs.compareAndSet(-1, System.nanoTime());
                    }
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(rawTimeoutS);
            while (consumed < limit) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(tag + ": only " + consumed + " of " + limit + " records within "
                            + rawTimeoutS + " s (--raw-timeout-s)");
                }
                ConsumerRecords<String, byte[]> recs = consumer.poll(Duration.ofMillis(100));
                if (recs.isEmpty()) {
                    continue;
                }
                if (firstNs < 0) {
                    firstNs = System.nanoTime();
                    cpu = Cpu.start(app);
                    selfAtFirst = ThreadTimes.self();
                }
                for (ConsumerRecord<String, byte[]> r : recs) {
                    int part = r.partition();
                    long offset = r.offset();
                    long k = offset - base[part];
                    if (k < 0 || k >= plan[part].length) {
                        continue; // another pass's records
                    }
                    raw[part].add(offset, line.raw(part, offset, r.timestamp(), r.key(), r.value()));
                    if (v.clean) {
                        if (v.inline) {
                            line.len = 0;
                            line.put(cleanedJson(cleaner, r.value(), TOPIC, part, offset));
                        } else {
                            int i = plan[part][(int) k];
                            if (!pins.keys()[i].equals(r.key())) {
                                throw new IllegalStateException(TOPIC + "-" + part + "@" + offset + " holds key "
                                        + r.key() + ", the producer sent " + pins.keys()[i] + " there");
                            }
                            line.cleanHead(part, offset).put(cleanTails[i]);
                        }
                        clean[part].add(offset, line);
                    }
                    consumed++;
                    if (raw[part].records == flushRecords) {
                        gzipBytes += putChunk(s3, prefix, part, raw[part], clean[part], base, firstKeys);
                        put += flushRecords;
                        // the offset after the chunk, committed once its files are in S3, as the app does
                        consumer.commitSync(Map.of(new TopicPartition(TOPIC, part), new OffsetAndMetadata(offset + 1)));
                        landed.add(new long[] {System.nanoTime(), put});
                    }
                }
            }
            endNs = System.nanoTime();
            selfAtEnd = ThreadTimes.self();
        }
        if (put != limit) {
            throw new IllegalStateException(tag + ": put " + put + " records, expected " + limit);
        }
        if (!timed) {
            return null;
        }
        double s = (endNs - firstNs) / 1e9;
        double rate = limit / s;
        double fromAssigned = limit / ((endNs - assignedNs.get()) / 1e9);
        double fromSubscribe = limit / ((endNs - subscribedNs) / 1e9);
        long tenth = Math.max(1, limit / 10);
        long[] atTenth = landed.stream().filter(l -> l[1] >= tenth).findFirst().orElse(null);
        double steady = atTenth != null && atTenth[0] < endNs ? (limit - atTenth[1]) / ((endNs - atTenth[0]) / 1e9) : 0;
        say("%s: %d records in %.2f s (first record to last put) = %.0f records/s, %.1f MB/s; from assignment %.0f"
                + " records/s; after the first tenth %.0f records/s; %.1f MB gzip", tag, limit, s, rate,
                payloadBytes / s / 1e6, fromAssigned, steady, gzipBytes / 1e6);
        result(tag + " (first record to last put)", rate, "records/s", "");
        result(tag + " payload", payloadBytes / s / 1e6, "MB/s", "");
        result(tag + ", from assignment", fromAssigned, "records/s", "");
        result(tag + ", from subscribe (group join included, like Caravan's clock)", fromSubscribe, "records/s", "");
        result(tag + ", after the first tenth", steady, "records/s", "");
        result(tag + ": written (gzip)", gzipBytes / 1e6, "MB", "");
        if (cpu != null) {
            long both = cpu.report(tag, endNs - firstNs, "app (broker, S3 server)", "benchmark (consumer, gzip, SDK)");
            if (both >= 0) {
                result(tag + ", CPU of both per record", both / 1e3 / limit, "µs", "");
            }
        }
        if (selfAtFirst != null && selfAtEnd != null) {
            ThreadTimes.split(tag + ", consumer thread", selfAtEnd[0] - selfAtFirst[0], selfAtEnd[1] - selfAtFirst[1],
                    endNs - firstNs);
        }
        return new RawRun(rate, steady, firstKeys[0], firstKeys[1]);
    }

    /** Puts a partition's raw (and clean) file and opens new ones; returns the gzip bytes put. */
    static long putChunk(S3Client s3, String prefix, int part, Chunk raw, Chunk clean, long[] base, String[] firstKeys)
            throws IOException {
        long bytes = 0;
        int i = 0;
        for (Chunk c : clean == null ? new Chunk[] {raw} : new Chunk[] {raw, clean}) {
            String key = String.format(Locale.ROOT, "%s/%s/%s/%d/%020d.ndjson.gz", prefix, c.zone, TOPIC, part,
                    c.firstOffset);
            byte[] body = c.finish();
            s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("application/x-ndjson"),
                    RequestBody.fromBytes(body));
            bytes += body.length;
            if (part == 0 && c.firstOffset == base[0]) {
                firstKeys[i] = key;
            }
            i++;
            c.open();
        }
        return bytes;
    }

    /** The backlog's first unit of partition 0 as the app wrote it, against the raw limit's chunk, decompressed. */
    static void compareFiles(S3Client s3, LakeConfig c, LakeRun lake, RawRun raw) throws IOException {
        String[][] pairs = {{"raw", lake.firstRawKey, raw.firstRawKey},
                {"clean", lake.firstCleanKey, raw.firstCleanKey}};
        for (String[] pair : pairs) {
            if (pair[0].equals("clean") && !c.clean()) {
                continue;
            }
            String metric = "caravan " + c.name + ": " + pair[0] + " lines of partition 0's first unit = raw limit's";
            if (pair[1] == null || pair[2] == null) {
                RESULTS.text(metric, "not compared", "", "(the unit straddles an hour)");
                continue;
            }
            byte[] a = gunzip(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(pair[1])).asByteArray());
            byte[] b2 = gunzip(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(pair[2])).asByteArray());
            int at = Arrays.mismatch(a, b2);
            String verdict = at < 0 ? "identical" : "differ at byte " + at;
            say("%s: %s (%d B)", metric, verdict, a.length);
            RESULTS.text(metric, verdict, "", at < 0 ? "same: OK" : "same: NOT OK");
        }
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /**
     * Where a thread's wall time went, from Linux's per-thread scheduler statistics (/proc/.../schedstat: time on a
     * CPU, time runnable but waiting for one): on CPU, waiting for a CPU (the machine's other work, or the app's own
     * threads), and the rest, blocked (socket replies, locks, sleeps, GC pauses).
     */
    static final class ThreadTimes {
        static final Pattern NID = Pattern.compile(
                "^\"(.*)\"( #\\d+)?.*?\\bnid=(0x[0-9a-fA-F]+|\\d+)", Pattern.MULTILINE);

        /** Thread id -> {on-CPU ns, run-queue wait ns} for every thread of the process. */
        static Map<Long, long[]> of(long pid) {
            Map<Long, long[]> out = new HashMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                tasks.forEach(t -> {
                    long[] v = read(t.resolve("schedstat"));
                    if (v != null) {
                        out.put(Long.parseLong(t.getFileName().toString()), v);
                    }
                });
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process is gone: no thread rows
            }
            return out;
        }

        /** The calling thread's {on-CPU ns, run-queue wait ns}, or null. */
        static long[] self() {
            return read(Path.of("/proc/thread-self/schedstat"));
        }

        static long[] read(Path schedstat) {
            try {
                String[] f = Files.readString(schedstat).trim().split("\\s+");
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** A thread's on-CPU, waiting-for-a-CPU and blocked shares of a wall time, as result rows. */
        static void split(String what, long cpuNs, long waitNs, long wallNs) {
            double blocked = Math.max(0, wallNs - cpuNs - waitNs);
            result(what + ": on CPU", cpuNs / (double) wallNs, "of wall", "");
            result(what + ": runnable, waiting for a CPU", waitNs / (double) wallNs, "of wall", "");
            result(what + ": blocked (I/O, locks, GC pauses)", blocked / wallNs, "of wall", "");
            say("%s: on CPU %.2f, waiting for a CPU %.2f, blocked %.2f of %.2f s", what, cpuNs / (double) wallNs,
                    waitNs / (double) wallNs, blocked / wallNs, wallNs / 1e9);
        }

        /** The app's threads over a phase: the lake thread's split, and CPU by kind of thread (named by a dump). */
        static void report(String tag, long pid, Map<Long, long[]> start, Map<Long, long[]> end, long wallNs) {
            if (start.isEmpty() || end.isEmpty()) {
                return;
            }
            Map<Long, String> names = new HashMap<>();
            Matcher m = NID.matcher(jcmd(pid, "Thread.print"));
            while (m.find()) {
                String nid = m.group(3);
                long tid = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
                names.put(tid, m.group(1));
            }
            Map<String, Double> byKind = new LinkedHashMap<>();
            for (String kind : List.of("lake consumer thread", "JIT compiler", "GC and VM",
                    "S3 server (s3proxy, Jetty)", "Kafka broker and other threads")) {
                byKind.put(kind, 0.0);
            }
            long lakeCpu = 0;
            long lakeWait = 0;
            int lakeThreads = 0;
            for (Map.Entry<Long, long[]> e : end.entrySet()) {
                long[] s0 = start.getOrDefault(e.getKey(), new long[2]);
                long cpu = e.getValue()[0] - s0[0];
                String name = names.getOrDefault(e.getKey(), "?");
                String kind = kind(name);
                byKind.merge(kind, cpu / (double) wallNs, Double::sum);
                if (kind.equals("lake consumer thread")) {
                    lakeCpu += cpu;
                    lakeWait += e.getValue()[1] - s0[1];
                    lakeThreads++;
                }
            }
            if (lakeThreads == 1) {
                split(tag + ", lake consumer thread", lakeCpu, lakeWait, wallNs);
            }
            byKind.forEach((kind, cores) -> result(tag + ", CPU of " + kind, cores, "cores", ""));
        }

        static String kind(String name) {
            if (name.contains("KafkaConsumer[" + TOPIC + "]")) {
                return "lake consumer thread";
            }
            if (name.contains("CompilerThread")) {
                return "JIT compiler";
            }
            if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
                return "GC and VM";
            }
            if (name.startsWith("S3Proxy")) {
                return "S3 server (s3proxy, Jetty)";
            }
            return "Kafka broker and other threads";
        }
    }

    /**
     * The lake phase's flight recording (see Recording), which also tells for the lake's consumer thread which Caravan
     * method it was in and what that called, its native frames, and its waits of 10 ms or more.
     */
    static final class LakeRecording extends Recording {
        /** Blocking events the profile settings record from 10 ms on, with a stack trace. */
        static final Set<String> WAITS = Set.of("jdk.SocketRead", "jdk.SocketWrite", "jdk.ThreadPark",
                "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter", "jdk.ThreadSleep");
        final Map<String, Long> byStep = new HashMap<>();
        final Map<String, Long> byCallee = new HashMap<>();
        final Map<String, Long> nativeFrames = new HashMap<>(); // native method samples, by top frame
        final Map<String, Long> waits = new HashMap<>(); // ms in blocking events, by event and step
        long nativeSamples;

        LakeRecording(LakeConfig c, long pid, Path file) {
            super(pid, file, jfrS, new Focus("lake_thread", thread -> thread.contains("KafkaConsumer[" + TOPIC + "]"),
                    List.of("dev.caravan.", "org.gaul.", "org.jclouds.", "org.eclipse.jetty.", "org.apache.camel.",
                            "org.apache.kafka.", "kafka.", "com.fasterxml.", "software.amazon.awssdk.",
                            "org.apache.http.", "java.util.zip."),
                    // the lake thread's own work: Caravan, JSON, gzip, the SDK, the Kafka consumer, Camel's plumbing
                    List.of("dev.caravan.", "com.fasterxml.", "org.bson.", "software.amazon.awssdk.",
                            "org.apache.http.", "java.util.zip.", "java.security.", "sun.security.provider.",
                            "org.apache.kafka.", "org.apache.camel.component.", "org.apache.camel.processor.",
                            "org.apache.camel.support."), "units"));
            PROFILES.put(c.name, profile);
        }

        boolean isLake(String threadName) {
            return focus.isConsumer().test(threadName(threadName));
        }

        @Override
        void otherEvent(RecordedEvent e) {
            String type = e.getEventType().getName();
            if (WAITS.contains(type)) {
                RecordedThread t = e.getThread();
                if (t != null && t.getJavaName() != null && isLake(t.getJavaName()) && e.getStackTrace() != null) {
                    waits.merge(type.substring(4) + " in " + step(e.getStackTrace().getFrames()),
                            e.getDuration().toMillis(), Long::sum);
                }
            } else if (type.equals("jdk.NativeMethodSample")) {
                RecordedThread t = e.getThread("sampledThread");
                RecordedStackTrace st = e.getStackTrace();
                if (t != null && t.getJavaName() != null && isLake(t.getJavaName()) && st != null
                        && !st.getFrames().isEmpty()) {
                    nativeSamples++;
                    nativeFrames.merge(frame(st.getFrames().get(0)) + " in " + step(st.getFrames()), 1L, Long::sum);
                }
            }
        }

        @Override
        void consumerSample(List<RecordedFrame> frames) {
            byStep.merge(step(frames), 1L, Long::sum);
            byCallee.merge(stepAndCallee(frames), 1L, Long::sum);
        }

        @Override
        void putConsumerSteps(long consumerSamples) {
            profile.put("lake_thread_by_step", top(byStep, consumerSamples, 20));
            profile.put("lake_thread_by_step_and_callee", top(byCallee, consumerSamples, 30));
        }

        @Override
        void putMore() {
            profile.put("lake_thread_native_samples", nativeSamples);
            profile.put("lake_thread_native", top(nativeFrames, nativeSamples, 10));
            profile.put("lake_thread_waits_ms", waits.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                    .map(w -> new String[] {String.valueOf(w.getValue()), w.getKey()}).collect(Collectors.toList()));
        }

        /**
         * What the lake thread was doing in a sample: the innermost Caravan method on the stack (its time includes the
         * library code it called: gzip under LakeFile.append, Jackson under LakeWriter.parse, the SDK under
         * LakeStore.put), else the Kafka consumer's poll, else Camel turning records into exchanges.
         */
        static String step(List<RecordedFrame> frames) {
            int i = innermostCaravan(frames);
            if (i >= 0) {
                return frame(frames.get(i)).substring("dev.caravan.".length());
            }
            for (RecordedFrame f : frames) {
                if (frame(f).startsWith("org.apache.kafka.clients.consumer.")) {
                    return "Kafka consumer (poll, fetch)";
                }
            }
            return "Camel (records to exchanges, no Caravan or consumer frame)";
        }

        /** The step, and what it was calling at that moment (its direct callee, or "self"). */
        static String stepAndCallee(List<RecordedFrame> frames) {
            int i = innermostCaravan(frames);
            if (i < 0) {
                return step(frames);
            }
            String callee = i == 0 ? "self" : shortFrame(frames.get(i - 1));
            return frame(frames.get(i)).substring("dev.caravan.".length()) + " > " + callee;
        }

        static int innermostCaravan(List<RecordedFrame> frames) {
            for (int i = 0; i < frames.size(); i++) {
                if (frame(frames.get(i)).startsWith("dev.caravan.")) {
                    return i;
                }
            }
            return -1;
        }

        /** Class (without package) and method: enough to tell gzip from Jackson from Camel's header map. */
        static String shortFrame(RecordedFrame f) {
            String type = f.getMethod().getType().getName();
            return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
        }
    }

    static void printProfiles() {
        for (Map.Entry<String, Map<String, Object>> p : PROFILES.entrySet()) {
            Map<String, Object> profile = p.getValue();
            if (!profile.containsKey("cpu_samples")) {
                continue;
            }
            System.out.printf(Locale.ROOT, "profile of the app during the lake phase (caravan %s): %s s recorded,"
                    + " app CPU %s cores, %s CPU samples of Java code (%s on the lake thread), %s GCs with %s ms of"
                    + " pauses%n",
                    p.getKey(), profile.get("recorded_seconds"), profile.get("process_cpu_cores"),
                    profile.get("cpu_samples"), profile.get("lake_thread_samples"), profile.get("gc_count"),
                    profile.get("gc_pause_ms"));
            Recording.print(profile, "Caravan, Camel, Kafka, S3, Jetty, gzip, Jackson", new String[][] {
                    {"lake_thread_by_step", "the lake's consumer thread: innermost Caravan method (% of its samples)"},
                    {"lake_thread_by_step_and_callee",
                            "the lake's consumer thread: innermost Caravan method > what it called (% of its samples)"},
                    {"lake_thread_top_self_frames", "the lake's consumer thread: top frames (self, % of its samples)"},
                    {"lake_thread_top_inclusive_methods",
                            "the lake's consumer thread: methods on the stack (inclusive, % of its samples)"},
                    {"lake_thread_native", "the lake's consumer thread in native code: top frame (% of its "
                            + profile.get("lake_thread_native_samples") + " native samples; JFR samples one thread in"
                            + " native per 20 ms, so only the shares mean something)"},
                    {"lake_thread_waits_ms", "the lake's consumer thread blocked >= 10 ms at a time: total ms by event"
                            + " and step"}});
        }
    }
}
