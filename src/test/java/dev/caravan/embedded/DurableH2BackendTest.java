package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.function.Function;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write acknowledged by the embedded MongoDB is on disk, even when the process dies right after; its unique indexes
 * keep working across restarts, including indexes an older version wrote in H2's serialized key order.
 */
class DurableH2BackendTest {

    @TempDir
    Path dir;

    @Test
    void anAcknowledgedInsertSurvivesACrash() {
        assertThat(documentsAfterCrash(DurableH2Backend::new)).isEqualTo(1);
    }

    @Test
    void thePlainH2BackendWouldHaveLostIt() {
        // the reason DurableH2Backend exists: without a commit per write the change is only in memory
        assertThat(documentsAfterCrash(H2Backend::new)).isZero();
    }

    private long documentsAfterCrash(Function<MVStore, H2Backend> backendFactory) {
        String file = dir.resolve("crash-" + System.nanoTime() + ".mv").toString();
        // no background commits, so only what the backend commits itself reaches the file
        MVStore store = new MVStore.Builder().fileName(file).autoCommitDisabled().open();
        MongoServer server = new MongoServer(backendFactory.apply(store));
        String uri = server.bindAndGetConnectionString();
        try (MongoClient client = MongoClients.create(uri)) {
            client.getDatabase("caravan").getCollection("inbox").insertOne(new Document("_id", "a").append("n", 1));
        }
        store.closeImmediately(); // a crash: pending changes are dropped, the file is left as it is
        server.stopListening();

        MVStore reopened = new MVStore.Builder().fileName(file).open();
        MongoServer again = new MongoServer(backendFactory.apply(reopened));
        try (MongoClient client = MongoClients.create(again.bindAndGetConnectionString())) {
            return client.getDatabase("caravan").getCollection("inbox").countDocuments();
        } finally {
            again.shutdownNow();
        }
    }

    @Test
    void uniqueIndexesHoldAcrossRestarts() {
        String file = dir.resolve("restart.mv").toString();
        try (Session first = new Session(new DurableH2Backend(file))) {
            MongoCollection<Document> pins = first.pins();
            pins.createIndex(Indexes.ascending("unique_id"), new IndexOptions().unique(true).name("business_key"));
            pins.insertMany(pinsNumbered(0, 500));
        }
        try (Session second = new Session(new DurableH2Backend(file))) {
            assertIndexesWork(second.pins(), 500);
        }
    }

    @Test
    void documentsAnEarlierVersionJavaSerializedReadTheSameOnceStoredAsBson() {
        String file = dir.resolve("types.mv").toString();
        Document varied = new Document("_id", "a").append("text", "ünïcode").append("int", 1).append("long", 2L)
                .append("double", 1.5).append("flag", true).append("nothing", null)
                .append("date", new java.util.Date(1_700_000_000_000L)).append("oid", new ObjectId())
                .append("decimal", new Decimal128(new BigDecimal("1.25"))).append("bytes", new Binary(new byte[] {1, 2}))
                .append("list", List.of(1, "x", new Document("k", "v")))
                .append("nested", new Document("deeper", new Document("n", 3L)));
        try (Session legacy = new Session(new H2Backend(file))) {
            legacy.pins().insertOne(varied);
        }

        Document second = new Document(varied).append("_id", "b");
        try (Session upgraded = new Session(new DurableH2Backend(file))) {
            assertThat(upgraded.pins().find(Filters.eq("_id", "a")).first()).isEqualTo(varied);
            upgraded.pins().insertOne(second);
        }
        assertThat(mapNames(file)).noneMatch(name -> name.endsWith(".bson"));

        try (Session again = new Session(new DurableH2Backend(file))) {
            assertThat(again.pins().find().sort(new Document("_id", 1)).into(new ArrayList<>()))
                    .containsExactly(varied, second);
        }
    }

    @Test
    void anIndexWrittenInSerializedOrderIsRebuiltOnceAndKeepsRejectingDuplicates() {
        String file = dir.resolve("legacy.mv").toString();
        try (Session legacy = new Session(new H2Backend(file))) {
            MongoCollection<Document> pins = legacy.pins();
            pins.createIndex(Indexes.ascending("unique_id"), new IndexOptions().unique(true).name("business_key"));
            pins.insertMany(pinsNumbered(0, 500));
        }
        assertThat(mapNames(file)).contains("caravan.pins._index_business_key", "caravan.pins._index__id_");

        try (Session upgraded = new Session(new DurableH2Backend(file))) {
            assertIndexesWork(upgraded.pins(), 500);
        }
        assertThat(mapNames(file)).contains("caravan.pins._keys_business_key", "caravan.pins._keys__id_")
                .noneMatch(name -> name.contains("._index_"));

        try (Session again = new Session(new DurableH2Backend(file))) {
            assertIndexesWork(again.pins(), 501);
            again.pins().dropIndex("business_key");
            Document sameKey = pin(3);
            sameKey.remove("_id");
            again.pins().insertOne(sameKey); // the business key is no longer unique
            assertThat(again.pins().countDocuments(Filters.eq("unique_id", "pin-3"))).isEqualTo(2);
        }
        assertThat(mapNames(file)).doesNotContain("caravan.pins._keys_business_key");
    }

    /** The stored pins are found by key; a stored key is refused again, by either index; a new one is taken. */
    private static void assertIndexesWork(MongoCollection<Document> pins, int stored) {
        assertThat(pins.countDocuments()).isEqualTo(stored);
        for (int n : new int[] {0, 7, 250, 499}) {
            assertThat(pins.find(Filters.eq("unique_id", "pin-" + n)).first()).isNotNull()
                    .extracting(d -> d.get("n")).isEqualTo(n);
        }
        Document again = pin(7);
        again.remove("_id");
        assertThatThrownBy(() -> pins.insertOne(again)).isInstanceOf(MongoWriteException.class)
                .satisfies(e -> assertThat(((MongoWriteException) e).getCode()).isEqualTo(11000));
        Document sameId = pin(stored + 1000);
        sameId.put("_id", "id-7");
        assertThatThrownBy(() -> pins.insertOne(sameId)).isInstanceOf(MongoWriteException.class)
                .satisfies(e -> assertThat(((MongoWriteException) e).getCode()).isEqualTo(11000));
        pins.insertOne(pin(stored));
        assertThat(pins.find(Filters.eq("unique_id", "pin-" + stored)).first()).isNotNull();
    }

    private static List<Document> pinsNumbered(int from, int to) {
        List<Document> pins = new ArrayList<>();
        for (int n = from; n < to; n++) {
            pins.add(pin(n));
        }
        return pins;
    }

    private static Document pin(int n) {
        return new Document("_id", "id-" + n).append("unique_id", "pin-" + n).append("n", n);
    }

    private static java.util.Set<String> mapNames(String file) {
        MVStore store = new MVStore.Builder().fileName(file).readOnly().open();
        try {
            return new java.util.TreeSet<>(store.getMapNames());
        } finally {
            store.close();
        }
    }

    /** One run of a server on a file, closed like a graceful stop. */
    private static final class Session implements AutoCloseable {
        private final MongoServer server;
        private final MongoClient client;

        private final String uri;

        Session(H2Backend backend) {
            server = new MongoServer(backend);
            uri = server.bindAndGetConnectionString();
            client = MongoClients.create(uri);
        }

        String uri() {
            return uri;
        }

        MongoCollection<Document> pins() {
            return client.getDatabase("caravan").getCollection("pins");
        }

        @Override
        public void close() {
            client.close();
            server.shutdown();
        }
    }

    @Test
    void anotherClientSeesAWriteOnlyOnceItIsCommitted() throws Exception {
        CommitGate gate = new CommitGate();
        DurableH2Backend backend = new DurableH2Backend(new MVStore.Builder()
                .fileName(dir.resolve("visible.mv").toString()).open()) {
            @Override
            void commitWrite() {
                gate.pass();
                super.commitWrite();
            }
        };
        try (Session session = new Session(backend);
                MongoClient reader = MongoClients.create(session.uri())) {
            session.pins().insertOne(pin(1)); // the collection exists, so the next insert is one write command
            gate.arm();

            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> session.pins().insertOne(pin(2)));
            assertThat(gate.awaitCommitting(30)).as("the write reached its commit").isTrue();
            CompletableFuture<Document> read = CompletableFuture.supplyAsync(() ->
                    reader.getDatabase("caravan").getCollection("pins").find(Filters.eq("_id", "id-2")).first());
            // while the commit is held, the read waits rather than seeing the uncommitted document
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !read.isDone());

            gate.release();
            writer.get(30, TimeUnit.SECONDS);
            assertThat(read.get(30, TimeUnit.SECONDS)).as("read after the commit").isNotNull();
        }
    }
}
