package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.caravan.embedded.EmbeddedMongo;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given MongoDB goes away mid-stream: nothing is lost, nothing healthy is dead-lettered, and the sink resumes alone. */
class MongoOutageIT {

    private static final String USER = "{\"ind\":%d,\"first_name\":\"A\",\"last_name\":\"B\",\"age\":30,"
            + "\"date_joined\":\"2016-01-01 00:00:00\"}";

    @TempDir
    Path data;

    @Test
    void recordsProducedWhileMongoIsDownAreWrittenOnceItIsBackAndNoneIsDeadLettered() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        Path file = data.resolve("external-mongo/db.mv");
        EmbeddedMongo mongo = new EmbeddedMongo(file, "127.0.0.1", port);
        mongo.start();
        String uri = mongo.connectionString();
        try (RunningCaravan app = RunningCaravan.start(data.resolve("app"), Map.of("caravan.mongodb.uri", uri,
                "caravan.mongodb.server-selection-timeout-ms", "1500"));
                RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            for (int i = 1; i <= 50; i++) {
                producer.send("caravan.users", String.valueOf(i), USER.formatted(i));
            }
            producer.flush();
            awaitUsers(uri, 50);

            mongo.close();
            for (int i = 51; i <= 150; i++) {
                producer.send("caravan.users", String.valueOf(i), USER.formatted(i));
            }
            producer.flush();
            // the sink is retrying by now: let it fail against the stopped server for a while
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 503);

            mongo = new EmbeddedMongo(file, "127.0.0.1", port);
            mongo.start();
            awaitUsers(uri, 150);
            assertThat(TopicReader.readAll(app.connections().kafkaBrokers(), "caravan.users"))
                    .as("all on the topic").hasSize(150);
            assertThat(topicSize(app, "caravan.users.dlq")).as("dead letters").isZero();
        } finally {
            mongo.close();
        }
    }

    private static long topicSize(RunningCaravan app, String topic) {
        try {
            return TopicReader.readAll(app.connections().kafkaBrokers(), topic).size();
        } catch (RuntimeException e) {
            return 0; // never created: nothing was dead-lettered
        }
    }

    private static void awaitUsers(String uri, long count) {
        try (MongoClient client = MongoClients.create(uri)) {
            await("users in MongoDB").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> client.getDatabase("caravan").getCollection("users").countDocuments() == count);
        }
    }
}
