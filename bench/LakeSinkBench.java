// Lake sink benchmark: how fast Caravan's streams-to-lake route drains a backlog of pins from Kafka into the embedded
// S3 lake (NDJSON.gz file sets, intents, manifests, offset commits), measured against a plain KafkaConsumer that gzips
// the same lines and puts them with the AWS SDK into the same S3 server, in the same run.
//
// Run from the repository root (the fat jar supplies the Kafka, S3 and Jackson clients; the app runs as a child
// process):
//   java -Xms512m -cp target/caravan.jar bench/LakeSinkBench.java [--records=N] [--configs=raw+clean,raw] ...
// (the app is started from -Dbench.jar, default target/caravan.jar; bench/lake-sink.sh points both at a snapshot)
// or simply: bash bench/lake-sink.sh [args]
// See bench/README.md, section "Lake sink benchmark". Never run in CI; nothing asserts on these numbers.

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
import dev.caravan.flow.FlowFile;
import dev.caravan.flow.Rules;
import dev.caravan.config.CaravanConfiguration;
import dev.caravan.embedded.Connections;
import dev.caravan.embedded.Ports;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import org.bson.Document;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

public class LakeSinkBench {

    static final String HOST = "127.0.0.1";
    static final String TOPIC = "caravan.pins"; // the pins flow's topic, cleaned by its rules in the clean zone
    static final String BUCKET = "caravan-lake"; // caravan.s3.bucket
    static final String S3_ACCESS_KEY = "caravan"; // caravan.embedded.s3.access-key
    static final String S3_SECRET_KEY = "caravan-embedded"; // caravan.embedded.s3.secret-key (local development only)
    static final String LAKE_GROUP = "caravan-lake"; // caravan.lake.group
    static final int LAKE_BATCH = 2000; // caravan.lake.batch-size: the raw consumer polls as many records at a time
    static final int PARTITIONS = 3; // Caravan's default for the topics its embedded broker creates
    static final int RECORD_BYTES = 600;
    static final double TARGET = 0.70; // lake records/s >= 70 % of the raw limit's records/s
    static final long ASSIGN_POLL_MS = 50; // how often the lake group's assignment is read once its route starts
    static final double SETTLED_CORES = 0.25;
    static final String PLACEHOLDERS = "No description available Story format|No Title Data Available|User Info Error"
            + "|Image src error.|N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e|No description available"; // caravan.clean.placeholders

    /** The pins flow's cleaning, as routes/flows/pins.camel.yaml declares it. */
    static Rules pinRules() throws IOException {
        return FlowFile.read(java.nio.file.Path.of("routes/flows/pins.camel.yaml"),
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
            env.put("CARAVAN_LAKE_FLOWS", "pins");
            env.put("CARAVAN_FLOWS_PINS_LAKE", zones);
            env.put("CARAVAN_LAKE_FLUSH_RECORDS", String.valueOf(flushRecords));
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

    // knobs: --name=value argument, else -Dbench.name=value, else the default
    static int records;
    static int flushRecords;
    static int warmupRecords;
    static boolean inlineClean;
    static int lakeTimeoutS;
    static int rawTimeoutS;
    static int readyTimeoutS;
    static int settleS;
    static int jfrS;
    static int pollMs;
    static List<LakeConfig> configs;

    static final List<String[]> RESULTS = new ArrayList<>(); // {metric, value, unit, target}
    static final Map<String, Map<String, Object>> PROFILES = new LinkedHashMap<>(); // JFR summary per configuration
    static long appPid = -1;

    // the records, built before any clock starts: the pipelines are measured, not JSON building
    static String[] keys;
    static String[] jsons;
    static int[][] backlogPlan; // [partition][k]: the record at the k-th offset of the partition's backlog
    static int[][] warmupPlan; // the same for the warm-up records that come before it
    static byte[][] cleanTails; // the cleaned record as JSON without its opening brace (raw+clean variant)
    static long payloadBytes;
    static int units; // backlog units (file sets) of flush-records records
    static int warmupUnits;

    public static void main(String[] args) {
        int status = 0;
        try {
            status = run(args);
        } catch (Throwable e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        // the Kafka clients and the SDK's connection reaper leave non-daemon threads behind
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        records = intOpt(opts, "records", 500_000);
        warmupRecords = intOpt(opts, "warmup", 150_000);
        flushRecords = intOpt(opts, "flush-records", 10_000);
        inlineClean = intOpt(opts, "inline-clean", 1) != 0;
        lakeTimeoutS = intOpt(opts, "lake-timeout-s", 900);
        rawTimeoutS = intOpt(opts, "raw-timeout-s", 600);
        readyTimeoutS = intOpt(opts, "ready-timeout-s", 120);
        settleS = intOpt(opts, "settle-s", 30);
        jfrS = intOpt(opts, "jfr-s", 0);
        pollMs = intOpt(opts, "poll-ms", 200);
        String configsOpt = strOpt(opts, "configs", "raw+clean,raw");
        if (!opts.isEmpty()) {
            usage("unknown option(s): " + opts.keySet());
        }
        Set<LakeConfig> chosen = new LinkedHashSet<>();
        for (String c : configsOpt.split(",")) {
            switch (c.trim()) {
                case "raw+clean" -> chosen.add(BOTH_ZONES);
                case "raw" -> chosen.add(RAW_ZONE);
                default -> usage("--configs takes raw+clean and/or raw, got " + c);
            }
        }
        configs = List.copyOf(chosen);
        if (records % flushRecords != 0 || warmupRecords % flushRecords != 0) {
            // a partial unit would wait for the 60 s rotation timer: a latency setting, not throughput
            usage("--records and --warmup must be multiples of --flush-records (" + flushRecords + "), got " + records
                    + " and " + warmupRecords);
        }
        units = records / flushRecords;
        warmupUnits = warmupRecords / flushRecords;

        // the jar's log4j2.xml logs INFO to stdout; a benchmark only wants warnings and its own lines
        Configurator.setRootLevel(Level.WARN);
        // the watcher's admin client retries while a consumer group forms; those retries are expected
        Configurator.setLevel("org.apache.kafka", Level.ERROR);

        // bench/lake-sink.sh passes a snapshot of target/caravan.jar, so a rebuild during the run cannot break it
        Path jar = Path.of(System.getProperty("bench.jar", "target/caravan.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it with mvn -B -q package -DskipTests");
        }
        String nproc = nproc();
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String loadAtStart = loadAverage();
        String startedAt = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        say("Lake sink benchmark: nproc=%s, java=%s, max heap=%d MB, load average at start %s", nproc, java,
                Runtime.getRuntime().maxMemory() >> 20, loadAtStart);
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
            Path dataDir = Files.createDirectories(tmp.resolve("data"));
            int[] ports = distinctFreePorts(4);
            Ports4 p = new Ports4(ports[0], ports[1], ports[2], ports[3]);
            String bootstrap = HOST + ":" + p.kafka;
            s3 = CaravanConfiguration.s3Client(new Connections(null, false, null, null, false,
                    "http://" + HOST + ":" + p.s3, "us-east-1", BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY, true), true);

            buildRecords();

            for (int k = 0; k < configs.size(); k++) {
                LakeConfig c = configs.get(k);
                loads.put("before caravan " + c.name, loadAverage());
                app = App.start(jar, tmp, "work-" + c.name.replace('+', '-'), dataDir, p, c.env(), null);
                LakeRun run = lakePhase(c, app, s3, bootstrap);
                lake.put(c.name, run);

                // the raw limits against the same broker, S3 server and records, while this app idles
                settle("raw limits (" + c.name + ")");
                loads.put("before the raw limits (" + c.name + ")", loadAverage());
                List<RawVariant> variants = !c.clean() ? List.of(RAW_ONLY)
                        : inlineClean ? List.of(RAW_CLEAN, RAW_CLEAN_INLINE) : List.of(RAW_CLEAN);
                for (RawVariant v : variants) {
                    raw.put(v.name, rawPhase(v, s3, bootstrap, run));
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
        // other work on the machine skews every number: keep the load seen before each phase next to the results
        RESULTS.add(new String[] {"load average (1 min) at start", loadAtStart, "", ""});
        loads.forEach((k, v) -> RESULTS.add(new String[] {"load average (1 min) " + k, v, "", ""}));
        printTable(nproc, java);
        printProfiles();
        Path out = writeJson(startedAt, nproc, java, loadAtStart);
        say("results written to %s", Path.of("").toAbsolutePath().relativize(out.toAbsolutePath()));
        return 0;
    }

    record Ports4(int http, int kafka, int mongo, int s3) {
    }

    // ---------------------------------------------------------------- the records

    /** Keys, values, the partition plans and (for the raw+clean limit) the cleaned lines, before any clock. */
    static void buildRecords() throws IOException {
        long t0 = System.nanoTime();
        int n = Math.max(records, warmupRecords);
        keys = new String[n];
        jsons = new String[n];
        Random rnd = new Random(42);
        for (int i = 0; i < n; i++) {
            keys[i] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            jsons[i] = pinJson(i, keys[i], rnd);
            if (i < records) {
                payloadBytes += jsons[i].length(); // ASCII: one byte per char
            }
        }
        backlogPlan = plan(records);
        warmupPlan = plan(warmupRecords); // the warm-up reuses the first records' contents
        if (configs.stream().anyMatch(LakeConfig::clean)) {
            Rules cleaner = pinRules();
            cleanTails = new byte[n][];
            for (int i = 0; i < n; i++) {
                byte[] json = cleanedJson(cleaner, jsons[i].getBytes(StandardCharsets.UTF_8), null, 0, 0);
                cleanTails[i] = Arrays.copyOfRange(json, 1, json.length);
            }
            // the prepared line must be what inline cleaning gives, or the raw+clean variants measure different bytes
            byte[] inline = cleanedJson(cleaner, jsons[0].getBytes(StandardCharsets.UTF_8), TOPIC, 1, 12345);
            byte[] prepared = new Line().cleanHead(1, 12345).put(cleanTails[0]).bytes();
            if (!Arrays.equals(inline, prepared)) {
                throw new IllegalStateException("prepared clean line differs from the inline one:\n"
                        + new String(prepared, StandardCharsets.UTF_8) + "\n"
                        + new String(inline, StandardCharsets.UTF_8));
            }
        }
        say("records built in %d ms: backlog %s and warm-up %s records per partition, %d B of backlog payload%s",
                ms(System.nanoTime() - t0), Arrays.toString(sizes(backlogPlan)), Arrays.toString(sizes(warmupPlan)),
                payloadBytes,
                cleanTails != null ? ", cleaned lines prepared" : "");
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

    // ---------------------------------------------------------------- producing and the topic

    /**
     * Produces a plan's records with a plain KafkaProducer, keyed by unique_id, each to its planned partition, and
     * checks that each partition grew by exactly its share. Returns the produce rate.
     */
    static double produce(String bootstrap, int[][] plan, long[] base, String what) throws Exception {
        int count = Arrays.stream(plan).mapToInt(a -> a.length).sum();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // idempotence keeps each partition in send order, which is what maps (partition, offset) back to a record
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        double s;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            AtomicLong failed = new AtomicLong();
            AtomicReference<Exception> firstError = new AtomicReference<>();
            long t0 = System.nanoTime();
            // interleaved over the partitions, so each partition's records are spread over the whole produce run
            int[] next = new int[PARTITIONS];
            int sent = 0;
            while (sent < count) {
                for (int part = 0; part < PARTITIONS; part++) {
                    if (next[part] < plan[part].length) {
                        int i = plan[part][next[part]++];
                        byte[] value = jsons[i].getBytes(StandardCharsets.UTF_8);
                        producer.send(new ProducerRecord<>(TOPIC, part, keys[i], value), (md, e) -> {
                                    if (e != null) {
                                        failed.incrementAndGet();
                                        firstError.compareAndSet(null, e);
                                    }
                                });
                        sent++;
                    }
                }
            }
            producer.flush();
            s = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " " + what + " sends failed", firstError.get());
            }
        }
        long[] end = endOffsets(bootstrap);
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
    static long[] endOffsets(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            try {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
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

    // ---------------------------------------------------------------- Caravan's lake sink

    record Sample(long nanos, long count) {
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
    static final class LakeWatch implements Runnable {
        final LakeConfig config;
        final String bootstrap;
        final S3Client s3;
        final String manifests;
        final List<Sample> samples = new ArrayList<>(); // backlog units landed (manifests beyond the warm-up's)
        final AtomicBoolean stop = new AtomicBoolean();
        volatile long assignedNs = -1;
        volatile long landedNs = -1;
        volatile long appCpuAtLanded = -1;
        volatile long benchCpuAtLanded = -1;
        volatile Map<Long, long[]> threadsAtLanded = Map.of();
        volatile Throwable failure;

        LakeWatch(LakeConfig config, String bootstrap, S3Client s3) {
            this.config = config;
            this.bootstrap = bootstrap;
            this.s3 = s3;
            this.manifests = manifestPrefix(config);
        }

        @Override
        public void run() {
            try {
                Properties p = new Properties();
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
                try (Admin admin = Admin.create(p)) {
                    while (!stop.get() && assignedNs < 0) {
                        try {
                            if (assigned(admin, config.group) >= PARTITIONS) {
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
                long next = System.nanoTime();
                while (!stop.get()) {
                    long t = System.nanoTime();
                    try {
                        // one LIST per poll: the reconcile endpoint reads every manifest, which would load the app
                        long n = countManifests(s3, manifests) - warmupUnits;
                        synchronized (samples) {
                            samples.add(new Sample(t, n));
                        }
                        if (n >= units) {
                            appCpuAtLanded = Cpu.appCpuNs();
                            benchCpuAtLanded = Cpu.benchCpuNs();
                            threadsAtLanded = ThreadTimes.of(appPid);
                            landedNs = t;
                            return;
                        }
                    } catch (SdkException notNow) {
                        // S3 did not answer this poll
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(pollMs);
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

        long count() {
            synchronized (samples) {
                return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).count;
            }
        }

        List<Sample> samples() {
            synchronized (samples) {
                return new ArrayList<>(samples);
            }
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
     * lake route stopped, the backlog produced, the route started; timed from the group's assignment until every
     * backlog unit's manifest is in S3, then checked with the reconcile endpoint and the group's offsets.
     */
    static LakeRun lakePhase(LakeConfig c, App app, S3Client s3, String bootstrap) throws Exception {
        String tag = "caravan " + c.name;
        String manifests = manifestPrefix(c);
        long[] warmupBase = endOffsets(bootstrap);
        long[] backlogBase;
        double[] rates;
        try (LakeRoute route = LakeRoute.attach(app.proc.pid())) {
            if (warmupRecords > 0) {
                // the app's JIT compiles the lake's path on these, as the raw limit's warm-up does for its own
                long w0 = System.nanoTime();
                produce(bootstrap, warmupPlan, warmupBase, tag + ": warm-up (the lake consumes as they come)");
                long deadline = w0 + TimeUnit.SECONDS.toNanos(lakeTimeoutS);
                while (countManifests(s3, manifests) < warmupUnits) {
                    if (System.nanoTime() > deadline || !app.proc.isAlive()) {
                        throw new IllegalStateException(tag + ": the warm-up did not land within " + lakeTimeoutS
                                + " s; the end of the app's log:\n" + tail(app.log, 30));
                    }
                    Thread.sleep(pollMs);
                }
                say("%s: warm-up of %d records landed %.1f s after its first send", tag, warmupRecords,
                        (System.nanoTime() - w0) / 1e9);
            }
            // stopped, the route leaves the group and the backlog waits in Kafka untouched
            route.stop();
            waitForNoMembers(bootstrap, c.group, Duration.ofSeconds(60));
            backlogBase = endOffsets(bootstrap);
            double produced = produce(bootstrap, backlogPlan, backlogBase, tag + ": backlog (the lake route stopped)");
            result(tag + ": backlog produce (not a target, for reference)", produced, "records/s", "");
            settle("lake phase (" + c.name + ")");

            LakeWatch watch = new LakeWatch(c, bootstrap, s3);
            Thread watchThread = new Thread(watch, "bench-lake-watch");
            watchThread.setDaemon(true);
            Jfr jfr = jfrS > 0 ? new Jfr(c.name, app.proc.pid(), app.log.resolveSibling("lake-"
                    + c.name.replace('+', '-') + ".jfr")) : null;
            watchThread.start();
            Map<Long, long[]> threadsAtStart = ThreadTimes.of(app.proc.pid());
            long appCpuAtStart = Cpu.appCpuNs();
            long benchCpuAtStart = Cpu.benchCpuNs();
            // the clock starts here: the route's consumer is created, joins the group and fetches within it
            long startedNs = System.nanoTime();
            route.start();
            say("%s: lake route started; waiting for %d backlog units under %s (deadline %d s) ...", tag, units,
                    manifests, lakeTimeoutS);
            long deadline = startedNs + TimeUnit.SECONDS.toNanos(lakeTimeoutS);
            long lastReport = System.nanoTime();
            try {
                while (watchThread.isAlive() && System.nanoTime() < deadline) {
                    if (!app.proc.isAlive()) {
                        throw new IllegalStateException("Caravan exited with " + app.proc.exitValue()
                                + " during the lake phase; the end of its log:\n" + tail(app.log, 40));
                    }
                    Thread.sleep(100);
                    long n = watch.count();
                    // past the first tenth, so the profile shows the steady state rather than the consumer's start
                    if (jfr != null && n >= Math.max(1, units / 10)) {
                        jfr.tick();
                    }
                    if (System.nanoTime() - lastReport >= TimeUnit.SECONDS.toNanos(15)) {
                        lastReport = System.nanoTime();
                        say("%s: %d of %d units landed after %d s (load average %s)", tag, n, units,
                                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNs), loadAverage());
                    }
                }
            } finally {
                watch.stop.set(true);
                watchThread.join(5_000);
                if (jfr != null) {
                    jfr.stop();
                }
            }
            if (watch.failure != null) {
                throw new IllegalStateException("the lake watcher failed", watch.failure);
            }
            if (watch.landedNs < 0) {
                throw new IllegalStateException(tag + ": " + watch.count() + " of " + units + " units landed within "
                        + lakeTimeoutS + " s of the route's start (--lake-timeout-s); assigned: "
                        + (watch.assignedNs >= 0) + "; the end of the app's log:\n" + tail(app.log, 30));
            }
            rates = report(tag, c, app, watch, startedNs, threadsAtStart, appCpuAtStart, benchCpuAtStart);
            if (jfr != null) {
                jfr.summarise();
            }
        }
        String[] first = check(tag, c, app, s3, bootstrap, manifests, backlogBase);
        return new LakeRun(rates[0], rates[1], warmupBase, backlogBase, first[0], first[1]);
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
        double steady = tenth.nanos < watch.landedNs
                ? (records - tenth.count * (long) flushRecords) / ((watch.landedNs - tenth.nanos) / 1e9) : 0;
        say("%s: %d records landed %.2f s after the lake route's start = %.0f records/s, %.1f MB/s (assignment seen"
                + " after %d ms, first unit after %d ms; after the first tenth %.0f records/s)", tag, records, s, rate,
                payloadBytes / s / 1e6, ms(watch.assignedNs - startedNs), ms(first.nanos - startedNs), steady);
        result(tag + ": route start to assignment seen", ms(watch.assignedNs - startedNs), "ms", "");
        result(tag + ": route start to first backlog unit landed", ms(first.nanos - startedNs), "ms", "");
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
        ThreadTimes.report(tag, app.proc.pid(), threadsAtStart, watch.threadsAtLanded, wallNs);
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
        JsonNode report = reconcile(app.httpPort);
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
        long lag = waitForNoLag(bootstrap, c.group, Duration.ofSeconds(30));
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

    static JsonNode reconcile(int httpPort) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + httpPort
                + "/api/v1/lake/reconcile?topic=" + TOPIC)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("reconcile answered " + res.statusCode() + ": " + res.body());
        }
        return JSON.readTree(res.body());
    }

    static Sample firstWith(List<Sample> samples, long count) {
        for (Sample s : samples) {
            if (s.count >= count) {
                return s;
            }
        }
        return null;
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

    /** Sum of the group's committed offsets against the end offsets; waits for the last commit to land. */
    static long waitForNoLag(String bootstrap, String group, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag;
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
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
        return lag;
    }

    // ---------------------------------------------------------------- the raw limits

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
    static RawRun rawPhase(RawVariant v, S3Client s3, String bootstrap, LakeRun run) throws Exception {
        if (warmupRecords > 0) {
            long w0 = System.nanoTime();
            rawPass(v, s3, bootstrap, "bench-raw-warmup/" + v.name, warmupPlan, run.warmupBase, false);
            say("raw limit %s: warm-up of %d records in %d ms", v.label, warmupRecords, ms(System.nanoTime() - w0));
        }
        System.gc();
        return rawPass(v, s3, bootstrap, "bench-raw-limit/" + v.name, backlogPlan, run.backlogBase, true);
    }

    /** Consumes each partition's records [base, base + plan) and puts them as NDJSON.gz chunks of flush-records. */
    static RawRun rawPass(RawVariant v, S3Client s3, String bootstrap, String prefix, int[][] plan, long[] base,
            boolean timed) throws Exception {
        String tag = "raw limit " + v.label;
        int limit = Arrays.stream(plan).mapToInt(a -> a.length).sum();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + v.name + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // as the app's consumers: read_committed, and as many records per poll as the lake's batch
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(LAKE_BATCH));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-raw-" + v.name);
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
                    cpu = Cpu.start();
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
                            if (!keys[i].equals(r.key())) {
                                throw new IllegalStateException(TOPIC + "-" + part + "@" + offset + " holds key "
                                        + r.key() + ", the producer sent " + keys[i] + " there");
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
            cpu.report(tag, endNs - firstNs, "app (broker, S3 server)", "benchmark (consumer, gzip, SDK)");
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
                RESULTS.add(new String[] {metric, "not compared", "", "(the unit straddles an hour)"});
                continue;
            }
            byte[] a = gunzip(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(pair[1])).asByteArray());
            byte[] b2 = gunzip(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(pair[2])).asByteArray());
            int at = Arrays.mismatch(a, b2);
            String verdict = at < 0 ? "identical" : "differ at byte " + at;
            say("%s: %s (%d B)", metric, verdict, a.length);
            RESULTS.add(new String[] {metric, verdict, "", at < 0 ? "same: OK" : "same: NOT OK"});
        }
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
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
        static App start(Path jar, Path base, String workName, Path dataDir, Ports4 ports, Map<String, String> extraEnv,
                Thread atStart) throws Exception {
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
            env.put("CARAVAN_HTTP_PORT", String.valueOf(ports.http));
            env.put("CARAVAN_EMBEDDED_KAFKA_PORT", String.valueOf(ports.kafka));
            env.put("CARAVAN_EMBEDDED_MONGO_PORT", String.valueOf(ports.mongo));
            env.put("CARAVAN_EMBEDDED_S3_PORT", String.valueOf(ports.s3));
            env.put("CARAVAN_DATA_DIR", dataDir.toString());
            // the pollers would call public APIs and write to their topics while we measure
            env.put("CARAVAN_POLL_ENABLED", "false");
            env.putAll(extraEnv);

            URI ready = URI.create("http://" + HOST + ":" + ports.http + "/observe/health/ready");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build();

            say("starting java -jar <snapshot of target/caravan.jar> (HTTP %d, Kafka %d, MongoDB %d, S3 %d%s) ...",
                    ports.http, ports.kafka, ports.mongo, ports.s3,
                    extraEnv.isEmpty() ? "" : ", " + new java.util.TreeMap<>(extraEnv));
            long t0 = System.nanoTime();
            App app = new App(pb.start(), log, ports.http, t0, base);
            appPid = app.proc.pid();
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
     * Waits (at most --settle-s) until the app is idle, so that what it still does after the lake phase (the last
     * commits, GC, the JIT compiler) does not load the next phase. Logs what it saw.
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
     * CPU time of the app (its JVM runs the lake sink, the embedded broker and the embedded S3 server) and of this
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
            if (bench >= 0 && benchNs >= 0) {
                double benchCores = (bench - benchNs) / (double) wallNs;
                result(phase + ", CPU of " + benchLabel, benchCores, "cores", "");
                double perRecordUs = ((app - appNs) + (bench - benchNs)) / 1e3 / records;
                result(phase + ", CPU of both per record", perRecordUs, "µs", "");
                say("%s: CPU %s %.2f cores, %s %.2f cores", phase, appLabel, appCores, benchLabel, benchCores);
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

    /**
     * Where a thread's wall time went, from Linux's per-thread scheduler statistics (/proc/.../schedstat: time on a
     * CPU, time runnable but waiting for one): on CPU, waiting for a CPU (the machine's other work, or the app's own
     * threads), and the rest, blocked (socket replies, locks, sleeps, GC pauses).
     */
    static final class ThreadTimes {
        static final java.util.regex.Pattern NID = java.util.regex.Pattern.compile(
                "^\"(.*)\"( #\\d+)?.*?\\bnid=(0x[0-9a-fA-F]+|\\d+)", java.util.regex.Pattern.MULTILINE);

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
            java.util.regex.Matcher m = NID.matcher(jcmd(pid, "Thread.print"));
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

    // ---------------------------------------------------------------- optional profile of the lake phase

    /**
     * A flight recording of the app during a lake phase (--jfr-s=N): started once a tenth of the units landed,
     * stopped after N seconds or when everything landed, then summarised: the CPU time of each of the app's threads
     * over that window (from a thread dump at each end, GC and compiler threads included), where the CPU samples of
     * Java code fall, and for the lake's consumer thread, which Caravan method it was in.
     */
    static final class Jfr {
        static final java.util.regex.Pattern THREAD = java.util.regex.Pattern.compile(
                "^\"(.*)\"( #\\d+)?.*?\\bcpu=([0-9.]+)ms", java.util.regex.Pattern.MULTILINE);
        final String config;
        final String name;
        final long pid;
        final Path file;
        final Map<String, Object> profile = new LinkedHashMap<>();
        long startedNs = -1;
        long stoppedNs = -1;
        long appCpuAtStart = -1;
        long appCpuAtStop = -1;
        Map<String, Double> threadMsAtStart = Map.of();
        Map<String, Double> threadMsAtStop = Map.of();
        boolean stopped;

        Jfr(String config, long pid, Path file) {
            this.config = config;
            this.name = "lake-sink-bench-" + config.replace('+', '-');
            this.pid = pid;
            this.file = file;
            PROFILES.put(config, profile);
        }

        void tick() {
            if (stopped) {
                return;
            }
            if (startedNs < 0) {
                jcmd("JFR.start", "name=" + name, "settings=profile");
                threadMsAtStart = threadCpuMs();
                appCpuAtStart = Cpu.appCpuNs();
                startedNs = System.nanoTime();
                say("profile: flight recording of the app started for %d s (past the first tenth of the units)", jfrS);
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
            jcmd("JFR.stop", "name=" + name, "filename=" + file);
            profile.put("recorded_seconds", String.format(Locale.ROOT, "%.1f", (stoppedNs - startedNs) / 1e9));
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
            return LakeSinkBench.jcmd(pid, args);
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
            // threads whose names differ only in digits add up (e.g. the broker's request handlers, Jetty's pool)
            Map<String, Double> cores = new HashMap<>();
            threadMsAtStop.forEach((thread, ms) -> {
                double used = ms - threadMsAtStart.getOrDefault(thread, 0.0);
                String n = threadName(thread.replaceAll(" #\\d+$", ""));
                cores.merge(n, used / windowMs, Double::sum);
            });
            profile.put("thread_cpu_cores", cores.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(12)
                    .map(e -> new String[] {String.format(Locale.ROOT, "%.2f", e.getValue()), e.getKey()})
                    .collect(Collectors.toList()));

            Map<String, Long> self = new HashMap<>();
            Map<String, Long> threads = new HashMap<>();
            Map<String, Long> inclusive = new HashMap<>();
            Map<String, Long> lakeSelf = new HashMap<>(); // the lake route's consumer thread only
            Map<String, Long> lakeInclusive = new HashMap<>();
            Map<String, Long> lakeByStep = new HashMap<>();
            Map<String, Long> lakeByCallee = new HashMap<>();
            Map<String, Long> lakeNative = new HashMap<>(); // native method samples of the lake thread, by top frame
            Map<String, Long> lakeWaits = new HashMap<>(); // ms in blocking events of >= 10 ms on the lake thread
            long lakeNativeSamples = 0;
            long lakeSamples = 0;
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
                    if (WAITS.contains(type)) {
                        RecordedThread t = e.getThread();
                        if (t != null && t.getJavaName() != null && isLake(threadName(t.getJavaName()))
                                && e.getStackTrace() != null) {
                            lakeWaits.merge(type.substring(4) + " in " + step(e.getStackTrace().getFrames()),
                                    e.getDuration().toMillis(), Long::sum);
                        }
                        continue;
                    }
                    if (type.equals("jdk.NativeMethodSample")) {
                        RecordedThread t = e.getThread("sampledThread");
                        RecordedStackTrace st = e.getStackTrace();
                        if (t != null && t.getJavaName() != null && isLake(threadName(t.getJavaName())) && st != null
                                && !st.getFrames().isEmpty()) {
                            lakeNativeSamples++;
                            String top = frame(st.getFrames().get(0)) + " in " + step(st.getFrames());
                            lakeNative.merge(top, 1L, Long::sum);
                        }
                        continue;
                    }
                    if (!type.equals("jdk.ExecutionSample")) {
                        continue;
                    }
                    samples++;
                    RecordedThread t = e.getThread("sampledThread");
                    String tn = t == null || t.getJavaName() == null ? "?" : threadName(t.getJavaName());
                    threads.merge(tn, 1L, Long::sum);
                    boolean lakeThread = isLake(tn);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    List<RecordedFrame> frames = st.getFrames();
                    self.merge(frame(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new LinkedHashSet<>();
                    for (RecordedFrame f : frames) {
                        String n = frame(f);
                        if (interesting(n) && seen.add(n)) {
                            inclusive.merge(n, 1L, Long::sum);
                        }
                    }
                    if (lakeThread) {
                        lakeSamples++;
                        lakeSelf.merge(frame(frames.get(0)), 1L, Long::sum);
                        lakeByStep.merge(step(frames), 1L, Long::sum);
                        lakeByCallee.merge(stepAndCallee(frames), 1L, Long::sum);
                        Set<String> mine = new LinkedHashSet<>();
                        for (RecordedFrame f : frames) {
                            String n = frame(f);
                            if (ownWork(n) && mine.add(n)) {
                                lakeInclusive.merge(n, 1L, Long::sum);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                say("profile: cannot read the recording: %s", e.getMessage());
                return;
            }
            profile.put("cpu_samples", samples);
            profile.put("gc_count", gcs);
            profile.put("gc_pause_ms", Math.round(gcPauseMs));
            profile.put("threads", top(threads, samples, 10));
            profile.put("top_self_frames", top(self, samples, 20));
            profile.put("top_inclusive_methods", top(inclusive, samples, 30));
            profile.put("lake_thread_samples", lakeSamples);
            profile.put("lake_thread_by_step", top(lakeByStep, lakeSamples, 20));
            profile.put("lake_thread_by_step_and_callee", top(lakeByCallee, lakeSamples, 30));
            profile.put("lake_thread_top_self_frames", top(lakeSelf, lakeSamples, 15));
            profile.put("lake_thread_top_inclusive_methods", top(lakeInclusive, lakeSamples, 30));
            profile.put("lake_thread_native_samples", lakeNativeSamples);
            profile.put("lake_thread_native", top(lakeNative, lakeNativeSamples, 10));
            profile.put("lake_thread_waits_ms", lakeWaits.entrySet().stream()
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

        /** Blocking events the profile settings record from 10 ms on, with a stack trace. */
        static final Set<String> WAITS = Set.of("jdk.SocketRead", "jdk.SocketWrite", "jdk.ThreadPark",
                "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter", "jdk.ThreadSleep");

        static boolean isLake(String threadName) {
            return threadName.contains("KafkaConsumer[" + TOPIC + "]");
        }

        /** Digits as # (numbered threads add up), and no temporary directory in a name. */
        String threadName(String n) {
            return n.replace(file.getParent().toString(), "<temp dir>").replaceAll("\\d+", "#");
        }

        /** Frames of the lake thread's own work: Caravan, JSON, gzip, the SDK, the Kafka consumer, Camel's plumbing. */
        static boolean ownWork(String n) {
            return Stream.of("dev.caravan.", "com.fasterxml.", "org.bson.", "software.amazon.awssdk.",
                    "org.apache.http.", "java.util.zip.", "java.security.", "sun.security.provider.",
                    "org.apache.kafka.", "org.apache.camel.component.", "org.apache.camel.processor.",
                    "org.apache.camel.support.")
                    .anyMatch(n::startsWith);
        }

        static String frame(RecordedFrame f) {
            return f.getMethod().getType().getName() + "." + f.getMethod().getName();
        }

        /** Frames of the code under test, not the JDK's or the thread plumbing's. */
        static boolean interesting(String n) {
            return Stream.of("dev.caravan.", "org.gaul.", "org.jclouds.", "org.eclipse.jetty.", "org.apache.camel.",
                    "org.apache.kafka.", "kafka.", "com.fasterxml.", "software.amazon.awssdk.", "org.apache.http.",
                    "java.util.zip.").anyMatch(n::startsWith);
        }

        static List<String[]> top(Map<String, Long> counts, long total, int n) {
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(n)
                    .map(e -> new String[] {
                            String.format(Locale.ROOT, "%.1f", 100.0 * e.getValue() / Math.max(1, total)), e.getKey()})
                    .collect(Collectors.toList());
        }
    }

    static final Map<String, String> UNITS = Map.of("thread_cpu_cores", "      cores  ", "lake_thread_waits_ms",
            "         ms  ");

    @SuppressWarnings("unchecked")
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
            for (String[] section : new String[][] {
                    {"thread_cpu_cores", "CPU of the app's threads over the recording (digits as #)"},
                    {"threads", "CPU samples by thread (digits as #)"},
                    {"top_self_frames", "top frames (self)"},
                    {"top_inclusive_methods",
                            "methods on the stack (inclusive; Caravan, Camel, Kafka, S3, Jetty, gzip, Jackson)"},
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
                            + " and step"}}) {
                Object rows = profile.get(section[0]);
                if (rows == null) {
                    continue;
                }
                System.out.println();
                System.out.println(UNITS.getOrDefault(section[0], "  % samples  ") + section[1]);
                for (String[] r : (List<String[]>) rows) {
                    System.out.printf(Locale.ROOT, "  %9s  %s%n", r[0], r[1]);
                }
            }
            System.out.println();
        }
    }

    // ---------------------------------------------------------------- clients

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"));
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
                .append(", \"record_bytes\": ").append(RECORD_BYTES)
                .append(", \"payload_bytes\": ").append(payloadBytes)
                .append(", \"topic\": ").append(q(TOPIC))
                .append(", \"partitions\": ").append(PARTITIONS)
                .append(", \"flush_records\": ").append(flushRecords)
                .append(", \"lake_batch\": ").append(LAKE_BATCH)
                .append(", \"configurations\": [")
                .append(configs.stream().map(c -> q(c.name)).collect(Collectors.joining(", "))).append("]")
                .append(", \"warmup_records\": ").append(warmupRecords)
                .append(", \"inline_clean\": ").append(inlineClean)
                .append(", \"poll_ms\": ").append(pollMs)
                .append(", \"lake_timeout_s\": ").append(lakeTimeoutS)
                .append(", \"raw_timeout_s\": ").append(rawTimeoutS)
                .append(", \"settle_s\": ").append(settleS)
                .append(", \"jfr_s\": ").append(jfrS).append("},\n");
        sb.append("  \"targets\": {\"lake_min_percent_of_raw_limit\": ").append(TARGET * 100).append("},\n");
        if (PROFILES.values().stream().anyMatch(p -> p.containsKey("cpu_samples"))) {
            sb.append("  \"profiles\": {");
            int k = 0;
            for (Map.Entry<String, Map<String, Object>> p : PROFILES.entrySet()) {
                sb.append(k++ > 0 ? "," : "").append("\n    ").append(q(p.getKey())).append(": {");
                int i = 0;
                for (Map.Entry<String, Object> e : p.getValue().entrySet()) {
                    sb.append(i++ > 0 ? ",\n      " : "\n      ").append(q(e.getKey())).append(": ");
                    if (e.getValue() instanceof List<?> rows) {
                        sb.append("[");
                        for (int j = 0; j < rows.size(); j++) {
                            String[] r = (String[]) rows.get(j);
                            sb.append(j > 0 ? ", " : "")
                                    .append(e.getKey().equals("thread_cpu_cores") ? "{\"cores\": "
                                            : e.getKey().equals("lake_thread_waits_ms") ? "{\"ms\": "
                                            : "{\"percent\": ")
                                    .append(r[0]).append(", \"name\": ").append(q(r[1])).append("}");
                        }
                        sb.append("]");
                    } else {
                        sb.append(e.getValue());
                    }
                }
                sb.append("\n    }");
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
        Path file = dir.resolve("lake-sink-" + startedAt + ".json");
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

    static final Set<String> ZERO_ALLOWED = Set.of("settle-s", "jfr-s", "warmup", "inline-clean");

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
            if (n < 0 || (n == 0 && !ZERO_ALLOWED.contains(name))) {
                usage(name + " must be positive, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            usage(name + " is not a number: " + v);
            return dflt;
        }
    }

    static String strOpt(Map<String, String> opts, String name, String dflt) {
        String v = opts.remove(name);
        if (v == null) {
            v = System.getProperty("bench." + name);
        }
        return v == null || v.isBlank() ? dflt : v;
    }

    static void usage(String error) {
        if (error != null) {
            System.err.println("error: " + error);
        }
        System.err.println("usage: bash bench/lake-sink.sh [--records=500000] [--warmup=150000]"
                + " [--configs=raw+clean,raw] [--flush-records=10000] [--inline-clean=1] [--poll-ms=200]"
                + " [--lake-timeout-s=900] [--raw-timeout-s=600] [--ready-timeout-s=120] [--settle-s=30] [--jfr-s=0]");
        System.err.println("each option can also be given as -Dbench.<name>=<value> before the source file");
        System.exit(error == null ? 0 : 2);
    }
}
