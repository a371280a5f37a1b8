package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bulk writes against a real MongoDB wire-protocol server: one document per key, newest version kept, whether the
 * stored keys are read first or every write is a guarded upsert.
 */
class MongoBulkWriterTest {

    private final CollectionSpec guarded = new CollectionSpec("users", "users", List.of("ind"),
            CollectionSpec.Mode.REPLACE, "version");
    private MongoServer server;
    private String connection;
    private MongoClient client;
    private MongoBulkWriter writer;
    private long offset;

    @BeforeEach
    void start() {
        server = new MongoServer(H2Backend.inMemory());
        connection = server.bindAndGetConnectionString();
        client = MongoClients.create(connection);
        writer = new MongoBulkWriter(client, "caravan");
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void withinABatchTheNewestVersionOfAKeyWinsWhateverItsPosition(boolean readFirst) {
        writer.readingFirst(readFirst).write(batch(user(1, 3), user(1, 1), user(2, 1), user(2, 2)));

        assertThat(versions()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 3L, 2L, 2L));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void acrossBatchesAnOlderVersionIsSkippedAndCountedStale(boolean readFirst) {
        writer.readingFirst(readFirst).write(batch(user(1, 3)));
        SinkBatch later = writer.write(batch(user(1, 2), user(3, 1)));

        assertThat(later.stale()).isEqualTo(1);
        assertThat(later.deadLetters()).isEmpty();
        assertThat(versions()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 3L, 3L, 1L));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void mergeModeSetsOnlyTheRecordsFields(boolean readFirst) {
        CollectionSpec merge = new CollectionSpec("users", "users", List.of("ind"), CollectionSpec.Mode.MERGE, null);
        writer.readingFirst(readFirst).write(batch(new PendingWrite(merge, new Document("ind", 9L),
                new Document("ind", 9L).append("a", 1), source())));
        writer.write(batch(new PendingWrite(merge, new Document("ind", 9L),
                new Document("ind", 9L).append("b", 2), source())));

        Document stored = client.getDatabase("caravan").getCollection("users").find().first();
        assertThat(stored).containsEntry("a", 1).containsEntry("b", 2);
    }

    @Test
    void aKeyInsertedByAnotherWriterBetweenTheReadAndTheInsertIsMergedNotDeadLettered() {
        // another consumer (the geo part of the same post) inserts right after this writer found the key absent
        CollectionSpec posts = new CollectionSpec("posts", "posts", List.of("ind"), CollectionSpec.Mode.MERGE, null);
        java.util.concurrent.atomic.AtomicBoolean raced = new java.util.concurrent.atomic.AtomicBoolean();
        try (MongoClient other = MongoClients.create(connection);
                MongoClient racing = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                        .applyConnectionString(new com.mongodb.ConnectionString(connection))
                        .addCommandListener(new com.mongodb.event.CommandListener() {
                            @Override
                            public void commandSucceeded(com.mongodb.event.CommandSucceededEvent event) {
                                if ("find".equals(event.getCommandName()) && raced.compareAndSet(false, true)) {
                                    other.getDatabase("caravan").getCollection("posts")
                                            .insertOne(new Document("ind", 9L).append("geo", new Document("x", 1)));
                                }
                            }
                        }).build())) {
            SinkBatch batch = new MongoBulkWriter(racing, "caravan").write(batch(new PendingWrite(posts,
                    new Document("ind", 9L), new Document("ind", 9L).append("pin", new Document("y", 2)), source())));

            assertThat(raced).isTrue();
            assertThat(batch.deadLetters()).isEmpty();
            List<Document> stored = client.getDatabase("caravan").getCollection("posts").find()
                    .into(new java.util.ArrayList<>());
            assertThat(stored).hasSize(1);
            assertThat(stored.get(0)).containsKeys("geo", "pin");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void upsertingReadsNothingFirst_readingFirstOneQueryPerCollectionAndBatch(boolean readFirst) {
        List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MongoClient counted = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(connection))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                }).build())) {
            MongoBulkWriter w = new MongoBulkWriter(counted, "caravan").readingFirst(readFirst);
            w.write(batch(user(1, 1), user(2, 1)));
            commands.clear();
            SinkBatch second = w.write(batch(user(1, 2), user(2, 0), user(3, 1)));

            assertThat(commands.stream().filter(c -> c.equals("find")).count()).isEqualTo(readFirst ? 1 : 0);
            assertThat(second.stale()).as("user 2's version 0 is older than the stored 1").isEqualTo(1);
        }
        assertThat(versions()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 2L, 2L, 1L, 3L, 1L));
    }

    private Map<Long, Long> versions() {
        Map<Long, Long> out = new java.util.HashMap<>();
        for (Document d : client.getDatabase("caravan").getCollection("users").find()) {
            out.put(((Number) d.get("ind")).longValue(), ((Number) d.get("version")).longValue());
        }
        return out;
    }

    private PendingWrite user(long ind, long version) {
        return new PendingWrite(guarded, new Document("ind", ind),
                new Document("ind", ind).append("version", version), source());
    }

    private SourceRecord source() {
        return new SourceRecord("caravan.users", 0, offset++, null, new byte[0], Map.of());
    }

    private static SinkBatch batch(PendingWrite... writes) {
        SinkBatch b = new SinkBatch();
        for (PendingWrite w : writes) {
            b.add(w);
        }
        return b;
    }
}
