package dev.caravan;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.embedded.Connections;
import dev.caravan.testing.FixtureApi;
import dev.caravan.testing.FixtureApi.Answer;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas with the same pollers and the same cluster lock: only the leader polls on schedule (each replica
 * polls its own stand-in URL, so the requests tell who polled), and when the leader stops the other takes over. A
 * third instance only hosts Kafka, MongoDB and S3 for both.
 */
class PollerLeaderIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void onlyTheLeaderPollsAndAFollowerTakesOverWhenItStops() throws Exception {
        try (FixtureApi api = new FixtureApi();
                RunningCaravan services = RunningCaravan.start(data.resolve("services"),
                        Map.of("caravan.cluster.namespace", "services-only", "camel.main.name", "services"))) {
            api.on("/b/api/", r -> Answer.json(fixture("randomuser-page1.json")));
            api.on("/c/api/", r -> Answer.json(fixture("randomuser-page1.json")));
            Connections c = services.connections();
            RunningCaravan b = RunningCaravan.start(data.resolve("b"), replica(c, api.baseUrl() + "/b", "b"));
            RunningCaravan second = null;
            try {
                second = RunningCaravan.start(data.resolve("c"), replica(c, api.baseUrl() + "/c", "c"));
                RunningCaravan cc = second;
                // a 1 s schedule: within a few seconds the leader has polled several times
                await().atMost(Duration.ofSeconds(60)).until(() -> api.requests().size() >= 4);
                boolean bLeads = !api.requests("/b/").isEmpty();
                String leaderPrefix = bLeads ? "/b/" : "/c/";
                String followerPrefix = bLeads ? "/c/" : "/b/";
                assertThat(api.requests(followerPrefix)).as("the follower never polls").isEmpty();
                assertThat(api.requests(leaderPrefix)).hasSizeGreaterThanOrEqualTo(4);
                assertThat(scheduledHere(bLeads ? b : cc)).isTrue();
                assertThat(scheduledHere(bLeads ? cc : b)).isFalse();
                int leaderPolls = api.requests(leaderPrefix).size();

                // the leader stops: the follower takes over, and the old leader's URL gets no more requests
                RunningCaravan leader = bLeads ? b : cc;
                leader.close();
                if (bLeads) {
                    b = null;
                } else {
                    second = null;
                }
                int afterStop = api.requests(leaderPrefix).size();
                await().atMost(Duration.ofSeconds(60)).until(() -> api.requests(followerPrefix).size() >= 2);
                assertThat(api.requests(leaderPrefix)).hasSize(afterStop);
                assertThat(afterStop).isGreaterThanOrEqualTo(leaderPolls);
            } finally {
                if (second != null) {
                    second.close();
                }
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    private Map<String, String> replica(Connections c, String baseUrl, String name) {
        Map<String, String> p = new HashMap<>();
        p.put("camel.main.name", "replica-" + name);
        p.put("caravan.kafka.brokers", c.kafkaBrokers());
        p.put("caravan.mongodb.uri", c.mongoUri());
        p.put("caravan.s3.endpoint", c.s3Endpoint());
        p.put("caravan.s3.access-key", c.s3AccessKey());
        p.put("caravan.s3.secret-key", c.s3SecretKey());
        p.put("caravan.cluster.root", data.resolve("cluster").toString());
        p.put("caravan.cluster.lock-interval-ms", "500");
        p.put("caravan.poll.enabled", "true");
        p.put("caravan.poll.tick-ms", "200");
        p.put("caravan.nyt.enabled", "false");
        p.put("caravan.football.enabled", "false");
        p.put("caravan.randomuser.base-url", baseUrl);
        p.put("caravan.randomuser.schedule", "1s");
        return p;
    }

    private static boolean scheduledHere(RunningCaravan app) throws Exception {
        for (JsonNode p : JSON.readTree(app.get("/api/v1/pollers").body())) {
            if (p.get("name").asText().equals("randomuser")) {
                return p.get("scheduledHere").asBoolean();
            }
        }
        throw new AssertionError("no randomuser poller");
    }
}
