package dev.caravan;

import static dev.caravan.testing.FixtureApi.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.FixtureApi;
import dev.caravan.testing.FixtureApi.Answer;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three pollers against a local stand-in of each API (fixtures in the documented response shapes): records in
 * Kafka with their keys and without credentials, skip-unchanged across a restart, backfill fetched once, retries of
 * 429 and 500, quotas, a missing key disabling only its poller, and the run-now endpoint. Runs are started through
 * POST /api/v1/pollers/{name}/run so each step is deterministic; PollerLeaderIT covers the schedule.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PollersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NYT_KEY = "nyt-test-key-0123456789";
    private static final String FOOTBALL_TOKEN = "football-test-token-0123456789";

    @TempDir
    static Path data;
    static FixtureApi api;
    static RunningCaravan app;

    @BeforeAll
    static void start() {
        api = new FixtureApi();
        nytServesThreeWeeks();
        api.on("/api/", PollersIT::randomUsers);
        app = RunningCaravan.start(data, settings(false));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        api.close();
    }

    /** Pages 1 and 2 of the fixture, then an empty page, which ends the walk. */
    private static Answer randomUsers(FixtureApi.Request r) {
        int page = Integer.parseInt(r.query().get("page"));
        return Answer.json(page <= 2 ? fixture("randomuser-page" + page + ".json")
                : "{\"results\":[],\"info\":{\"seed\":\"caravan\",\"results\":0,\"page\":" + page + ",\"version\":\"1.4\"}}");
    }

    /** The first instance runs without a football token; the restarted one has it and a daily budget of 9. */
    private static Map<String, String> settings(boolean footballToken) {
        Map<String, String> p = new HashMap<>();
        p.put("caravan.poll.enabled", "false");
        p.put("caravan.poll.max-attempts", "3");
        p.put("caravan.poll.backoff-initial-ms", "50");
        p.put("caravan.poll.backoff-max-ms", "200");
        p.put("caravan.poll.max-retry-after-ms", "5000");
        p.put("caravan.poll.max-response-bytes", "65536");
        p.put("caravan.nyt.base-url", api.baseUrl());
        p.put("caravan.nyt.api-key", NYT_KEY);
        p.put("caravan.nyt.backfill-weeks", "2");
        p.put("caravan.nyt.rate", "2/1s");
        p.put("caravan.randomuser.base-url", api.baseUrl());
        p.put("caravan.randomuser.results", "3");
        p.put("caravan.randomuser.seed", "caravan");
        p.put("caravan.randomuser.pages", "5");
        p.put("caravan.football.base-url", api.baseUrl());
        p.put("caravan.football.api-token", footballToken ? FOOTBALL_TOKEN : "");
        p.put("caravan.football.competitions", "PL,CL");
        p.put("caravan.football.daily-budget", "9");
        return p;
    }

    private static void nytServesThreeWeeks() {
        api.on("/svc/books/v3/lists/overview.json", r -> {
            String date = r.query().getOrDefault("published_date", "2024-01-21");
            return Answer.json(fixture("nyt-overview-" + date + ".json"));
        });
    }

    @Test
    @Order(1)
    void aMissingKeyDisablesOnlyItsPoller() throws Exception {
        JsonNode pollers = JSON.readTree(app.get("/api/v1/pollers").body());
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        pollers.forEach(p -> byName.put(p.get("name").asText(), p));
        assertThat(byName).containsOnlyKeys("football", "nyt", "randomuser");
        assertThat(byName.get("football").get("enabled").asBoolean()).isFalse();
        assertThat(byName.get("football").get("disabledReason").asText()).contains("FOOTBALL_API_TOKEN");
        assertThat(byName.get("nyt").get("enabled").asBoolean()).isTrue();
        assertThat(byName.get("randomuser").get("enabled").asBoolean()).isTrue();
        assertThat(byName.get("randomuser").get("nextRun").asText()).isNotBlank();

        HttpResponse<String> refused = app.post("/api/v1/pollers/football/run", "application/json", "");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("FOOTBALL_API_TOKEN");
        assertThat(app.post("/api/v1/pollers/nope/run", "application/json", "").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void randomUsersReachKafkaKeyedByUuidWithoutCredentials() throws Exception {
        JsonNode run = run("randomuser");
        assertThat(run.get("status").asText()).isEqualTo("OK");
        assertThat(run.get("produced").asInt()).isEqualTo(6);
        assertThat(api.requests("/api/")).extracting(r -> r.query().get("page")).containsExactly("1", "2", "3");
        assertThat(api.requests("/api/")).allSatisfy(r -> {
            assertThat(r.query()).containsEntry("results", "3").containsEntry("seed", "caravan");
            assertThat(r.headers().get("user-agent")).startsWith("Caravan/");
        });

        List<ConsumerRecord<String, String>> records = TopicReader.readAll(brokers(), "randomuser.users");
        assertThat(records).hasSize(6);
        for (ConsumerRecord<String, String> r : records) {
            JsonNode user = JSON.readTree(r.value());
            assertThat(r.key()).isEqualTo(user.at("/login/uuid").asText()).startsWith("7a0eed16-");
            assertThat(user.get("login").fieldNames()).toIterable().containsExactlyInAnyOrder("uuid", "username");
            assertThat(r.value()).doesNotContain("secret").doesNotContain("sld1yGtd");
            assertThat(user.at("/name/first").asText()).isNotBlank();
        }
    }

    @Test
    @Order(3)
    void nytBackfillWalksBackWithinTheRateAndKeysEachBookOnEachListAndWeek() throws Exception {
        api.clear();
        JsonNode run = run("nyt");
        assertThat(run.get("status").asText()).isEqualTo("OK");
        // the newest week and two weeks back (backfill-weeks=2), each requested once with the key as a query param
        List<FixtureApi.Request> requests = api.requests("/svc/books/");
        assertThat(requests).extracting(r -> r.query().get("published_date"))
                .containsExactly(null, "2024-01-14", "2024-01-07");
        assertThat(requests).allSatisfy(r -> assertThat(r.query()).containsEntry("api-key", NYT_KEY));
        // rate 2/1s: the third request waited for the window
        assertThat(Duration.between(requests.get(0).at(), requests.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));

        List<ConsumerRecord<String, String>> records = TopicReader.readAll(brokers(), "nyt.bestsellers");
        assertThat(records).hasSize(18); // 3 weeks x 2 lists x 3 books
        assertThat(run.get("produced").asInt()).isEqualTo(18);
        for (ConsumerRecord<String, String> r : records) {
            JsonNode book = JSON.readTree(r.value());
            assertThat(r.key()).isEqualTo(book.get("list_name_encoded").asText() + ":"
                    + book.get("published_date").asText() + ":" + book.get("primary_isbn13").asText());
            assertThat(book.get("rank").asInt()).isBetween(1, 3);
            assertThat(book.has("weeks_on_list")).isTrue();
            assertThat(book.get("amazon_product_url").asText()).startsWith("https://www.amazon.com/");
        }
        assertThat(records).extracting(ConsumerRecord::key).doesNotHaveDuplicates()
                .contains("hardcover-fiction:2024-01-07:9780593321201");

        // again: only the newest week is asked for; the dated weeks are remembered, and nothing changed
        api.clear();
        JsonNode again = run("nyt");
        assertThat(api.requests("/svc/books/")).extracting(r -> r.query().get("published_date")).containsExactly((String) null);
        assertThat(again.get("produced").asInt()).isZero();
        assertThat(again.get("unchanged").asInt()).isEqualTo(6);
        assertThat(again.get("pagesRemembered").asInt()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void aPersistentFailureIsReportedOnceWithTheUrlButNotTheKeyAndTheScheduleGoesOn() throws Exception {
        api.on("/svc/books/v3/lists/overview.json", r -> Answer.status(503, Map.of()));
        try {
            api.clear();
            JsonNode run = run("nyt");
            assertThat(run.get("status").asText()).isEqualTo("FAILED");
            assertThat(run.get("requests").asInt()).isEqualTo(3); // caravan.poll.max-attempts
            assertThat(run.get("error").asText()).contains("HTTP 503").contains("/svc/books/v3/lists/overview.json")
                    .contains("api-key=***").doesNotContain(NYT_KEY);
            assertThat(api.requests()).hasSize(3);

            JsonNode nyt = poller("nyt");
            assertThat(nyt.at("/lastRun/status").asText()).isEqualTo("FAILED");
            assertThat(nyt.get("nextRun").asText()).isNotBlank();
            assertThat(app.get("/observe/metrics").body())
                    .containsPattern("caravan_poller_runs_total\\{[^}]*poller=\"nyt\"[^}]*status=\"FAILED\"[^}]*} 1\\.0")
                    .containsPattern("caravan_poller_requests_total\\{[^}]*poller=\"nyt\"[^}]*status=\"503\"[^}]*} 3\\.0");
        } finally {
            nytServesThreeWeeks();
        }
        // a response larger than caravan.poll.max-response-bytes fails the run instead of filling the heap
        api.on("/svc/books/v3/lists/overview.json", r -> Answer.json("{\"results\":\"" + "x".repeat(100_000) + "\"}"));
        try {
            JsonNode run = run("nyt");
            assertThat(run.get("status").asText()).isEqualTo("FAILED");
            assertThat(run.get("error").asText()).contains("larger than 65536 bytes").doesNotContain(NYT_KEY);
        } finally {
            nytServesThreeWeeks();
        }
        // a refused request (401) is not retried
        api.on("/svc/books/v3/lists/overview.json", r -> Answer.status(401, Map.of()));
        try {
            api.clear();
            JsonNode run = run("nyt");
            assertThat(run.get("status").asText()).isEqualTo("FAILED");
            assertThat(api.requests()).hasSize(1);
        } finally {
            nytServesThreeWeeks();
        }
    }

    @Test
    @Order(5)
    void afterARestartUnchangedRecordsAreSkippedAndAChangedOneIsProducedAgain() throws Exception {
        app.close();
        app = RunningCaravan.start(data, settings(true));
        api.clear();
        JsonNode same = run("randomuser");
        assertThat(same.get("produced").asInt()).isZero();
        assertThat(same.get("unchanged").asInt()).isEqualTo(6);

        api.on("/api/", r -> Answer.json(randomUsers(r).body()
                .replace("lucas.moreau@example.com", "lucas.moreau@example.org")));
        JsonNode changed = run("randomuser");
        assertThat(changed.get("produced").asInt()).isEqualTo(1);
        assertThat(changed.get("unchanged").asInt()).isEqualTo(5);
        List<ConsumerRecord<String, String>> records = TopicReader.readAll(brokers(), "randomuser.users");
        assertThat(records).hasSize(7);
        assertThat(records).filteredOn(r -> r.key().endsWith("bf02")).extracting(ConsumerRecord::value)
                .satisfiesExactly(v -> assertThat(v).contains("lucas.moreau@example.com"),
                        v -> assertThat(v).contains("lucas.moreau@example.org"));

        // the NYT backfill is remembered across the restart too
        api.clear();
        JsonNode nyt = run("nyt");
        assertThat(api.requests("/svc/books/")).hasSize(1);
        assertThat(nyt.get("produced").asInt()).isZero();
    }

    @Test
    @Order(6)
    void footballRetries429And500AndProducesAMatchOnlyWhenItsStatusOrScoreChanged() throws Exception {
        api.clear();
        api.on("/v4/competitions/PL/matches", FixtureApi.sequence(Answer.status(429, Map.of("Retry-After", "1")),
                Answer.json(fixture("football-PL-matches.json"))));
        api.on("/v4/competitions/CL/matches", FixtureApi.sequence(Answer.status(500, Map.of()),
                Answer.json(fixture("football-CL-matches.json"))));
        JsonNode first = run("football");
        assertThat(first.get("status").asText()).isEqualTo("OK");
        assertThat(first.get("requests").asInt()).isEqualTo(4);
        assertThat(first.get("produced").asInt()).isEqualTo(5);
        List<FixtureApi.Request> pl = api.requests("/v4/competitions/PL");
        assertThat(Duration.between(pl.get(0).at(), pl.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(api.requests()).allSatisfy(r -> assertThat(r.headers()).containsEntry("x-auth-token", FOOTBALL_TOKEN));
        List<ConsumerRecord<String, String>> matches = TopicReader.readAll(brokers(), "football.matches");
        assertThat(matches).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("497410", "497411", "497412", "537327", "537328");

        // only lastUpdated moved: nothing is produced
        api.on("/v4/competitions/PL/matches", r -> Answer.json(fixture("football-PL-matches.json")
                .replace("2024-08-20T00:20:01Z", "2024-08-21T09:00:00Z")));
        api.on("/v4/competitions/CL/matches", r -> Answer.json(fixture("football-CL-matches.json")));
        assertThat(run("football").get("produced").asInt()).isZero();

        // match 497412 kicked off: its status and score changed
        String live = fixture("football-PL-matches.json");
        int at = live.indexOf("\"id\": 497412");
        String played = live.substring(0, at) + live.substring(at).replaceFirst("\"status\": \"TIMED\"", "\"status\": \"IN_PLAY\"");
        api.on("/v4/competitions/PL/matches", r -> Answer.json(played));
        JsonNode third = run("football");
        assertThat(third.get("produced").asInt()).isEqualTo(1);
        List<ConsumerRecord<String, String>> after = TopicReader.readAll(brokers(), "football.matches");
        assertThat(after).hasSize(6);
        assertThat(after).filteredOn(r -> r.key().equals("497412")).extracting(ConsumerRecord::value)
                .satisfiesExactly(v -> assertThat(v).contains("TIMED"), v -> assertThat(v).contains("IN_PLAY"));
    }

    @Test
    @Order(7)
    void theDailyBudgetStopsARunAndNoRequestIsSentBeyondIt() throws Exception {
        // 4 + 2 + 2 requests so far today; the budget is 9: PL gets the last one, CL none
        api.clear();
        JsonNode run = run("football");
        assertThat(run.get("status").asText()).isEqualTo("QUOTA");
        assertThat(run.get("error").asText()).contains("daily request budget of 9");
        assertThat(api.requests()).extracting(FixtureApi.Request::path).containsExactly("/v4/competitions/PL/matches");
        assertThat(poller("football").get("requestsToday").asInt()).isGreaterThanOrEqualTo(9);
    }

    private static JsonNode poller(String name) throws Exception {
        for (JsonNode p : JSON.readTree(app.get("/api/v1/pollers").body())) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no poller " + name);
    }

    private static JsonNode run(String poller) throws Exception {
        HttpResponse<String> response = app.post("/api/v1/pollers/" + poller + "/run", "application/json", "");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String brokers() {
        return app.connections().kafkaBrokers();
    }
}
