package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.function.Function;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write acknowledged by the embedded MongoDB is on disk, even when the process dies right after. */
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
        MongoServer again = new MongoServer(new H2Backend(reopened));
        try (MongoClient client = MongoClients.create(again.bindAndGetConnectionString())) {
            return client.getDatabase("caravan").getCollection("inbox").countDocuments();
        } finally {
            again.shutdownNow();
        }
    }
}
