import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.bson.Document;

/**
 * The backlog of bench/peers-mongo-sink.sh and its clocks, run as
 * {@code java -cp caravan.jar:DIR PinBacklog.java COMMAND} (PeerKit compiled into DIR):
 * <pre>
 *   preload  BROKERS TOPIC N            N distinct pins keyed by unique_id, acks=all, into a 3-partition topic
 *   index    MONGO_URI DB COLLECTION    the unique index on unique_id that a business-key upsert needs
 *   watch    MONGO_URI DB COLLECTION N TIMEOUT_S
 *                                       the collection's count every 500 ms: prints the wall clock (epoch ms) of
 *                                       the first document and of the N-th
 *   check    MONGO_URI DB COLLECTION N  exactly the N pins of the backlog, each once
 *   count    MONGO_URI DB COLLECTION    documents in a collection (the count command)
 *   records  BROKERS TOPIC              records in a topic (0 when it does not exist), e.g. dead letters
 * </pre>
 */
public class PinBacklog {

    static final int PARTITIONS = 3;
    static final int RECORD_BYTES = 600;
    static final long SEED = 42;
    static final String KEY = "unique_id";
    static final String[] WORDS = {"cabin", "wood", "weekend", "reclaimed", "patience", "step", "garden", "paint",
            "shelf", "lamp", "quilt", "bread", "summer", "trail", "clay", "glass", "linen", "copper"};
    static final String[] CATEGORIES = {"diy", "art", "beauty", "christmas", "education", "finance", "tattoos",
            "travel", "vehicles", "quotes"};

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "preload" -> preload(args[1], args[2], Integer.parseInt(args[3]));
            case "index" -> index(args[1], args[2], args[3]);
            case "watch" -> System.exit(watch(args[1], args[2], args[3], Long.parseLong(args[4]),
                    Long.parseLong(args[5])));
            case "check" -> System.exit(check(args[1], args[2], args[3], Integer.parseInt(args[4])));
            case "count" -> System.out.println(count(args[1], args[2], args[3]));
            case "records" -> System.out.println(records(args[1], args[2]));
            default -> {
                System.err.println("usage: PinBacklog preload|index|watch|check|count|records ... (see the class comment)");
                System.exit(2);
            }
        }
    }

    /** The unique_id of pin i; the same for the same N on every run, so check can name what is missing. */
    static String[] keys(int n) {
        Random rnd = new Random(SEED);
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        }
        return keys;
    }

    /** A pin as the posting app sends it (its placeholders and "1.5M" counts included), padded to RECORD_BYTES. */
    static String pin(int index, String uniqueId, Random rnd) {
        String category = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        String head = "{\"index\":" + index + ",\"unique_id\":\"" + uniqueId + "\",\"title\":\"Cozy cabin in the woods\""
                + ",\"description\":\"";
        String tail = "\",\"poster_name\":\"Ada\",\"follower_count\":\"" + (1 + rnd.nextInt(999)) + "k\""
                + ",\"tag_list\":\"diy,wood,cabin\",\"is_image_or_video\":\"image\""
                + ",\"image_src\":\"https://example.com/images/" + String.format("%016x", rnd.nextLong()) + ".jpg\""
                + ",\"downloaded\":" + rnd.nextInt(2) + ",\"save_location\":\"Local save in /data/" + category + "\""
                + ",\"category\":\"" + category + "\"}";
        StringBuilder fill = new StringBuilder();
        while (fill.length() < RECORD_BYTES - head.length() - tail.length()) {
            fill.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        fill.setLength(Math.max(0, RECORD_BYTES - head.length() - tail.length()));
        return head + fill + tail;
    }

    static Admin admin(String brokers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
    }

    static void preload(String brokers, String topic, int n) throws Exception {
        String[] keys = keys(n);
        Random rnd = new Random(SEED + 1);
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = pin(i + 1, keys[i], rnd).getBytes(StandardCharsets.UTF_8);
        }
        try (Admin admin = admin(brokers)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS)
                    .get(topic);
            if (d.partitions().size() != PARTITIONS) {
                throw new IllegalStateException(topic + " has " + d.partitions().size() + " partitions, expected "
                        + PARTITIONS);
            }
        }
        long t0 = System.nanoTime();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> first = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = PeerKit.producer(brokers, Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000"))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, keys[i], values[i]), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        first.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends failed", first.get());
        }
        long stored = records(brokers, topic);
        if (stored != n) {
            throw new IllegalStateException(topic + " holds " + stored + " records, expected " + n);
        }
        System.out.printf("%d pins of %d B in %s in %.1f s%n", n, values[0].length, topic,
                (System.nanoTime() - t0) / 1e9);
    }

    static long records(String brokers, String topic) throws Exception {
        try (Admin admin = admin(brokers)) {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return 0;
                }
                throw e;
            }
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            d.partitions().forEach(pi -> {
                latest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.earliest());
            });
            long end = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
            long start = admin.listOffsets(earliest).all().get(60, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
            return end - start;
        }
    }

    /** Short timeouts: the watcher starts before the server (Caravan's embedded one) and must retry quickly. */
    static MongoClient client(String uri) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(400, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(400, TimeUnit.MILLISECONDS))
                .applyToServerSettings(b -> b.heartbeatFrequency(500, TimeUnit.MILLISECONDS)
                        .minHeartbeatFrequency(100, TimeUnit.MILLISECONDS))
                .build());
    }

    /** The same index Caravan's sink creates for a business key (its name included). */
    static void index(String uri, String db, String collection) {
        try (MongoClient client = client(uri)) {
            client.getDatabase(db).getCollection(collection).createIndex(Indexes.ascending(KEY),
                    new IndexOptions().unique(true).name("business_key"));
        }
    }

    /** The count command reads the collection's size; countDocuments would scan it. */
    static int watch(String uri, String db, String collection, long n, long timeoutSeconds) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000;
        long firstAt = 0;
        long count = -1;
        System.out.println("watching " + db + "." + collection);
        System.out.flush();
        try (MongoClient client = client(uri)) {
            MongoDatabase database = client.getDatabase(db);
            while (System.currentTimeMillis() < deadline) {
                long now = System.currentTimeMillis();
                try {
                    count = ((Number) database.runCommand(new Document("count", collection)).get("n")).longValue();
                } catch (RuntimeException e) {
                    count = -1; // the server is not up yet (or restarting): keep asking
                }
                if (count > 0 && firstAt == 0) {
                    firstAt = now;
                    System.out.println("first " + now);
                }
                if (count >= n) {
                    System.out.println("done " + now + " " + count);
                    return 0;
                }
                Thread.sleep(Math.max(0, now + 500 - System.currentTimeMillis()));
            }
        }
        System.out.println("timeout " + System.currentTimeMillis() + " " + count);
        return 1;
    }

    static long count(String uri, String db, String collection) {
        try (MongoClient client = client(uri)) {
            return ((Number) client.getDatabase(db).runCommand(new Document("count", collection)).get("n")).longValue();
        }
    }

    static int check(String uri, String db, String collection, int n) {
        Set<String> expected = new HashSet<>(List.of(keys(n)));
        Set<String> seen = new HashSet<>();
        long documents = 0;
        long duplicates = 0;
        long strangers = 0;
        try (MongoClient client = client(uri)) {
            for (Document d : client.getDatabase(db).getCollection(collection).find()
                    .projection(Projections.include(KEY)).batchSize(5000)) {
                documents++;
                Object key = d.get(KEY);
                String k = key == null ? null : key.toString();
                if (k == null || !expected.contains(k)) {
                    strangers++;
                } else if (!seen.add(k)) {
                    duplicates++;
                }
            }
        }
        long missing = n - seen.size();
        boolean ok = documents == n && duplicates == 0 && strangers == 0 && missing == 0;
        System.out.printf("%s %s.%s: %d documents, %d distinct pins, %d missing, %d duplicates, %d unknown%n",
                ok ? "ok" : "FAILED", db, collection, documents, seen.size(), missing, duplicates, strangers);
        return ok ? 0 : 3;
    }
}
