package dev.caravan;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.embedded.Connections;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.FixtureApi;
import dev.caravan.testing.FixtureApi.Answer;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Caravan processes on one Kafka, MongoDB and S3 (the first one embeds them, the second is pointed at them): the
 * sink consumer groups split the partitions between the two, the pollers run on one only, and when the second is
 * killed (SIGKILL) mid-stream the first takes over its partitions and, if it led, the pollers; in the end every
 * record is in MongoDB once and in the lake exactly once by offset.
 */
class ScaleOutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 20_000;
    private static final String PIN = "{\"index\":%d,\"unique_id\":\"pin-%d\",\"title\":\"t\",\"description\":\"d\","
            + "\"follower_count\":\"%dk\",\"category\":\"diy\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\"}";

    @TempDir
    Path data;

    @Test
    void twoInstancesSplitTheWorkAndOneTakesOverWhenTheOtherIsKilled() throws Exception {
        try (FixtureApi api = new FixtureApi()) {
            api.on("/a/api/", r -> Answer.json(fixture("randomuser-page1.json")));
            api.on("/b/api/", r -> Answer.json(fixture("randomuser-page1.json")));
            Map<String, String> shared = new HashMap<>();
            shared.put("caravan.cluster.root", data.resolve("cluster").toString());
            shared.put("caravan.cluster.lock-interval-ms", "500");
            shared.put("caravan.poll.enabled", "true");
            shared.put("caravan.poll.tick-ms", "200");
            shared.put("caravan.randomuser.schedule", "1s");
            shared.put("caravan.nyt.enabled", "false");
            shared.put("caravan.football.enabled", "false");
            shared.put("caravan.lake.flows", "pins");
            // one sink consumer per instance, so "both instances hold partitions" is "two members hold partitions"
            shared.put("caravan.mongo.consumers", "1");
            shared.put("caravan.lake.flush-records", "1000");
            shared.put("caravan.lake.rotate-interval-ms", "1000");
            shared.put("caravan.lake.check-interval-ms", "200");
            Map<String, String> a = new HashMap<>(shared);
            a.put("caravan.randomuser.base-url", api.baseUrl() + "/a");
            a.put("caravan.embedded.kafka.partitions", "6");
            try (RunningCaravan first = RunningCaravan.start(data.resolve("a"), a)) {
                Connections c = first.connections();
                Map<String, String> env = new HashMap<>();
                shared.forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_').replace('-', '_'), v));
                env.put("CARAVAN_RANDOMUSER_BASE_URL", api.baseUrl() + "/b");
                env.put("CARAVAN_POLL_ENABLED", "true");
                env.put("CARAVAN_HTTP_PORT", String.valueOf(Ports.freePort("127.0.0.1")));
                env.put("CARAVAN_EMBEDDED", "false");
                env.put("KAFKA_BROKERS", c.kafkaBrokers());
                env.put("MONGODB_URI", c.mongoUri());
                env.put("S3_ENDPOINT", c.s3Endpoint());
                env.put("S3_ACCESS_KEY", c.s3AccessKey());
                env.put("S3_SECRET_KEY", c.s3SecretKey());
                try (CaravanProcess second = CaravanProcess.start(data, env).awaitReady();
                        RecordProducer producer = new RecordProducer(c.kafkaBrokers())) {
                    // both members hold partitions of both sink groups
                    try (Admin admin = admin(c.kafkaBrokers())) {
                        for (String group : List.of("caravan-mongo", "caravan-lake")) {
                            await(group + " split").atMost(Duration.ofSeconds(60))
                                    .until(() -> membersWithPartitions(admin, group) == 2);
                        }
                    }
                    // the pollers run on one instance only
                    await("polls").atMost(Duration.ofSeconds(30)).until(() -> api.requests().size() >= 3);
                    boolean firstLeads = !api.requests("/a/").isEmpty();
                    assertThat(api.requests(firstLeads ? "/b/" : "/a/")).as("the follower never polls").isEmpty();

                    for (int i = 0; i < RECORDS; i++) {
                        producer.send("caravan.pins", "pin-" + i, PIN.formatted(i, i, i % 90));
                    }
                    producer.flush();
                    await("a quarter stored").atMost(Duration.ofSeconds(120))
                            .until(() -> first.mongo().getCollection("pins").countDocuments() >= RECORDS / 4);
                    second.kill();
                    int pollsByA = api.requests("/a/").size();

                    // the survivor takes every partition, and the pollers if they were on the killed one
                    await("all stored").atMost(Duration.ofSeconds(180))
                            .until(() -> first.mongo().getCollection("pins").countDocuments() == RECORDS);
                    await("the survivor polls").atMost(Duration.ofSeconds(60))
                            .until(() -> api.requests("/a/").size() > pollsByA + 2);
                    await("everything in the lake").atMost(Duration.ofSeconds(120)).until(() -> first.lakeLanded("caravan.pins"));
                    Set<String> offsets = new HashSet<>();
                    List<JsonNode> lines = LakeFiles.lines(first.s3(), c.s3Bucket(), "raw/caravan.pins/");
                    for (JsonNode l : lines) {
                        assertThat(offsets.add(l.get("partition").asInt() + "@" + l.get("offset").asLong()))
                                .as("each offset once in the lake").isTrue();
                    }
                    assertThat(lines).hasSize(RECORDS);
                    assertThat(first.mongo().getCollection("pins").countDocuments()).isEqualTo(RECORDS);
                }
            }
        }
    }

    private static int membersWithPartitions(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        int n = 0;
        for (MemberDescription m : d.members()) {
            if (m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals("caravan.pins"))) {
                n++;
            }
        }
        return n;
    }

    private static Admin admin(String brokers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        return Admin.create(p);
    }
}
