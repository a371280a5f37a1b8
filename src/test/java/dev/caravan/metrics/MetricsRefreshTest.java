package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.caravan.sink.mongo.CollectionWrites;
import dev.caravan.sink.mongo.CollectionSpec;
import dev.caravan.sink.mongo.MongoBulkWriter;
import dev.caravan.sink.mongo.PendingWrite;
import dev.caravan.sink.mongo.SinkBatch;
import dev.caravan.sink.mongo.SourceRecord;
import dev.caravan.testing.TestClock;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream refresh runs every metric's pipeline over its collection, so it runs again only when the sink wrote to a source, when the
 * idle limit has passed, and never more than a tenth of the time.
 */
class MetricsRefreshTest {

    private static final long IDLE_MS = 300_000;
    private static final MetricFiles SHIPPED = new MetricFiles(java.nio.file.Path.of("metrics"));

    private MongoServer server;
    private MongoClient client;
    private final TestClock clock = new TestClock();
    private final CollectionWrites writes = new CollectionWrites();
    private Metrics metrics;
    private MongoCollection<Document> results;

    @BeforeEach
    void start() {
        server = new MongoServer(H2Backend.inMemory());
        client = MongoClients.create(server.bindAndGetConnectionString());
        metrics = new Metrics(client, "caravan", "metrics", SHIPPED, null, () -> "posts", clock, writes, IDLE_MS);
        results = client.getDatabase("caravan").getCollection("metrics");
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void skipsWhileNothingWasWrittenAndRefreshesAfterASinkWriteOrTheIdleLimit() {
        assertThat(metrics.refreshStream()).as("the first refresh after start").isPositive();
        Date first = computedAt();

        clock.advance(Duration.ofMillis(10_000));
        assertThat(metrics.refreshStream()).as("nothing written since").isZero();
        assertThat(computedAt()).isEqualTo(first);

        sinkWrites("pins"); // not a source of the metrics
        clock.advance(Duration.ofMillis(10_000));
        assertThat(metrics.refreshStream()).isZero();

        sinkWrites("posts");
        clock.advance(Duration.ofMillis(10_000));
        assertThat(metrics.refreshStream()).as("the sink wrote posts").isPositive();
        assertThat(computedAt()).isAfter(first);

        Date second = computedAt();
        clock.advance(Duration.ofMillis(IDLE_MS - 1));
        assertThat(metrics.refreshStream()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(metrics.refreshStream()).as("the idle limit (other writers)").isPositive();
        assertThat(computedAt()).isAfter(second);
    }

    @Test
    void aSlowRefreshWaitsNineTimesItsDurationBeforeTheNext() {
        clock.stepPerRead(Duration.ofSeconds(2)); // the refresh reads the clock three times: it seems to take 4 s
        metrics.refreshStream();
        clock.stepPerRead(Duration.ZERO);
        sinkWrites("posts");
        clock.advance(Duration.ofMillis(30_000));
        assertThat(metrics.refreshStream()).as("30 s after a 4 s refresh").isZero();
        clock.advance(Duration.ofMillis(6_000));
        assertThat(metrics.refreshStream()).as("36 s after it").isPositive();
    }

    @Test
    void zeroIdleLimitRefreshesEveryTime() {
        Metrics always = new Metrics(client, "caravan", "metrics", SHIPPED, null, () -> "posts", clock, writes, 0);
        assertThat(always.refreshStream()).isPositive();
        assertThat(always.refreshStream()).isPositive();
    }

    /** A real bulk write of the sink's writer, which counts the collections it writes. */
    private void sinkWrites(String collection) {
        long key = System.nanoTime();
        SinkBatch batch = new SinkBatch();
        batch.add(new PendingWrite(new CollectionSpec(collection, collection, List.of("k"), CollectionSpec.Mode.REPLACE,
                null), new Document("k", key), new Document("k", key),
                new SourceRecord("t", 0, 0, null, new byte[0], Map.of())));
        new MongoBulkWriter(client, "caravan", writes).write(batch);
    }

    private Date computedAt() {
        Document d = results.find().first();
        return d.get("stream", Document.class).getDate("computedAt");
    }
}
