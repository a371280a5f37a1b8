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

/**
 * Given MongoDB goes away mid-stream: nothing is lost, nothing healthy is dead-lettered, and the sink resumes alone;
 * also when the outage outlasts max.poll.interval.ms, which the sink survives without leaving its consumer group.
 */
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

    @Test
    void anOutageLongerThanTheMaxPollIntervalKeepsTheConsumerInItsGroupAndTheSinkResumesByItself() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        Path file = data.resolve("long-outage/db.mv");
        EmbeddedMongo mongo = new EmbeddedMongo(file, "127.0.0.1", port);
        mongo.start();
        String uri = mongo.connectionString();
        Map<String, String> settings = new java.util.HashMap<>();
        settings.put("caravan.mongodb.uri", uri);
        settings.put("caravan.mongodb.server-selection-timeout-ms", "1000");
        settings.put("caravan.mongo.consumers", "1");
        settings.put("caravan.mongo.max-poll-interval-ms", "8000");
        settings.put("camel.component.kafka.session-timeout-ms", "6000");
        settings.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        settings.put("caravan.sink.retry-max-ms", "2000");
        settings.put("caravan.sink.stall-limit-ms", "4000");
        try (RunningCaravan app = RunningCaravan.start(data.resolve("app-long"), settings);
                RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers());
                org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                        "bootstrap.servers", app.connections().kafkaBrokers()))) {
            for (int i = 1; i <= 50; i++) {
                producer.send("caravan.users", String.valueOf(i), USER.formatted(i));
            }
            producer.flush();
            awaitUsers(uri, 50);
            java.util.Set<String> members = members(admin);
            assertThat(members).hasSize(1);

            mongo.close();
            for (int i = 51; i <= 150; i++) {
                producer.send("caravan.users", String.valueOf(i), USER.formatted(i));
            }
            producer.flush();
            // readiness names the stalled sink and why; the outage lasts until it has been retried for twice the
            // max.poll.interval.ms, which used to expel the consumer for good
            await("the sink stalled for 16 s").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> stalledSeconds(app.get("/observe/health/ready").body()) >= 16);
            String ready = app.get("/observe/health/ready").body();
            assertThat(ready).contains("streams-to-mongo has retried one batch for").contains("MongoDB");
            assertThat(members(admin)).as("still the same member of caravan-mongo").isEqualTo(members);

            mongo = new EmbeddedMongo(file, "127.0.0.1", port);
            mongo.start();
            awaitUsers(uri, 150);
            await("ready again").atMost(Duration.ofSeconds(30))
                    .until(() -> app.get("/observe/health/ready").statusCode() == 200);
            assertThat(members(admin)).as("the same member all along").isEqualTo(members);
            assertThat(topicSize(app, "caravan.users.dlq")).as("dead letters").isZero();
            // and the sink still works after it
            producer.send("caravan.users", "151", USER.formatted(151)).flush();
            awaitUsers(uri, 151);
        } finally {
            mongo.close();
        }
    }

    private static java.util.Set<String> members(org.apache.kafka.clients.admin.Admin admin) throws Exception {
        return admin.describeConsumerGroups(java.util.List.of("caravan-mongo")).all().get().get("caravan-mongo")
                .members().stream().map(org.apache.kafka.clients.admin.MemberDescription::consumerId)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** The seconds the readiness message says a sink batch has been retried for, or 0. */
    private static long stalledSeconds(String health) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("retried one batch for (\\d+) s").matcher(health);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
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
