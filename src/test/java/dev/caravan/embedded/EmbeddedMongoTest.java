package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server keeps answering the commands that read no data (drivers' heartbeats, pings) on other connections
 * while one connection's command takes long and others wait for it: a pipeline of minutes over a million posts had
 * made the driver take the server for down.
 */
class EmbeddedMongoTest {

    @TempDir
    Path dir;

    @Test
    void whileAWriteHoldsItsCommitAndAReadWaitsForItNewClientsConnectAndPing() throws Exception {
        CommitGate gate = new CommitGate();
        EmbeddedMongo server = new EmbeddedMongo(dir.resolve("m.mv"), "127.0.0.1", 0, file -> new DurableH2Backend(file) {
            @Override
            void commitWrite() {
                gate.pass();
                super.commitWrite();
            }
        });
        server.start();
        try (MongoClient writer = MongoClients.create(server.connectionString());
                MongoClient reader = MongoClients.create(server.connectionString())) {
            var pins = writer.getDatabase("caravan").getCollection("pins");
            pins.insertOne(new Document("_id", 1));
            reader.getDatabase("caravan").getCollection("pins").find().first(); // the reader's connection exists
            gate.arm();
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> pins.insertOne(new Document("_id", 2)));
            assertThat(gate.awaitCommitting(30)).isTrue();
            CompletableFuture<Document> read = CompletableFuture.supplyAsync(() ->
                    reader.getDatabase("caravan").getCollection("pins").find(Filters.eq("_id", 2)).first());

            // more connections than netty's default threads (two per core): each lands on a thread of its own
            for (int i = 0; i < 8; i++) {
                try (MongoClient another = MongoClients.create(server.connectionString())) {
                    Document pong = CompletableFuture.supplyAsync(() -> another.getDatabase("admin")
                            .runCommand(new Document("ping", 1))).get(10, TimeUnit.SECONDS);
                    assertThat(pong.get("ok")).as("client %d", i).isIn(1, 1.0);
                }
            }
            assertThat(read).as("the read still waits for the commit").isNotDone();

            gate.release();
            write.get(30, TimeUnit.SECONDS);
            assertThat(read.get(30, TimeUnit.SECONDS)).isNotNull();
        } finally {
            gate.release();
            server.close();
        }
    }
}
