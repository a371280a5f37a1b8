package dev.caravan.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.TestClock;
import org.junit.jupiter.api.Test;

/** The pure parts of the pollers: schedules, quotas, pagination, hashes, the NYT split and the credential drop. */
class PollerPartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPeriodScheduleRunsAtOnceWhenNeverRunThenEveryPeriod() {
        Schedule s = Schedule.parse("90s");
        Instant now = Instant.parse("2026-11-21T10:00:00Z");
        assertThat(s.next(null, now)).isEqualTo(now);
        assertThat(s.next(now, now)).isEqualTo(now.plusSeconds(90));
        assertThat(Schedule.period("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Schedule.period("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Schedule.period("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Schedule.period("1500")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aCronScheduleIsEvaluatedInUtc() {
        Schedule thursdayNoon = Schedule.parse("0 0 12 ? * THU");
        // 2026-11-21 is a Saturday: the next Thursday noon is the 26th
        assertThat(thursdayNoon.next(Instant.parse("2026-11-21T10:00:00Z"), Instant.EPOCH))
                .isEqualTo(Instant.parse("2026-11-26T12:00:00Z"));
        assertThat(thursdayNoon.isCron()).isTrue();
    }

    @Test
    void aWrongScheduleSaysWhatIsExpected() {
        assertThatThrownBy(() -> Schedule.parse("every monday")).hasMessageContaining("Quartz cron");
        assertThatThrownBy(() -> Schedule.parse("10x")).hasMessageContaining("not a period");
        assertThatThrownBy(() -> Schedule.parse("0s")).hasMessageContaining("positive");
    }

    @Test
    void paginationAndRatesParse() {
        assertThat(Pagination.parse("none").kind()).isEqualTo(Pagination.Kind.NONE);
        assertThat(Pagination.parse("page:page")).isEqualTo(new Pagination(Pagination.Kind.PAGE, "page", null, 1));
        assertThat(Pagination.parse("page:p:0").firstPage()).isZero();
        assertThat(Pagination.parse("cursor:published_date:$.results.previous_published_date").cursorPath())
                .isEqualTo("$.results.previous_published_date");
        assertThatThrownBy(() -> Pagination.parse("cursor:after")).hasMessageContaining("JSONPath");
        assertThat(RateLimit.parse("5/1m")).isEqualTo(new RateLimit(5, Duration.ofMinutes(1)));
        assertThat(RateLimit.parse("none").unlimited()).isTrue();
        // the pollers API prints a rate the way it is configured
        assertThat(RateLimit.parse("5/1m")).hasToString("5/1m");
        assertThat(RateLimit.parse("10/90s")).hasToString("10/90s");
        assertThat(RateLimit.parse("2/1s")).hasToString("2/1s");
        assertThat(RateLimit.parse("none")).hasToString("none");
        assertThatThrownBy(() -> RateLimit.parse("5")).hasMessageContaining("REQUESTS/PERIOD");
    }

    @Test
    void theRequestWindowWaitsUntilTheOldestRequestLeavesTheWindow() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));
        List<Duration> slept = new ArrayList<>();
        RequestWindow window = new RequestWindow(RateLimit.parse("2/1m"), clock, d -> {
            slept.add(d);
            clock.advance(d);
        });
        assertThat(window.acquire()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(window.acquire()).isZero();
        // the third request of the minute waits for the first to be 60 s old
        assertThat(window.acquire()).isEqualTo(Duration.ofSeconds(50));
        assertThat(slept).containsExactly(Duration.ofSeconds(50));
    }

    @Test
    void backoffDoublesUpToItsCapAndRetryAfterIsHonouredInSecondsOrAsADate() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
        Retries r = new Retries(5, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(5));
        HttpFetcher f = new HttpFetcher(null, options(r), clock, d -> { }, null);
        assertThat(List.of(HttpFetcher.backoff(r, 1), HttpFetcher.backoff(r, 2), HttpFetcher.backoff(r, 3),
                HttpFetcher.backoff(r, 4)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5));
        assertThat(f.retryAfter("7", r, 1)).isEqualTo(Duration.ofSeconds(7));
        assertThat(f.retryAfter("Sat, 21 Nov 2026 10:00:30 GMT", r, 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(f.retryAfter(null, r, 2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.retryAfter("soon", r, 1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aPollerDeclaresItsRetriesOrTakesTheSettings() {
        Retries settings = new Retries(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5));
        HttpFetcher f = new HttpFetcher(null, options(settings), Clock.systemUTC(), d -> { }, null);

        Retries declared = Retries.declared("4 x 500ms..30s");
        assertThat(declared).hasToString("4 x 500ms..30s");
        assertThat(f.retriesOf(spec("4 x 500ms..30s")))
                .isEqualTo(new Retries(4, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(5)));
        assertThat(f.retriesOf(spec("none")).maxAttempts()).isEqualTo(1);
        assertThat(Retries.declared("none")).hasToString("none");
        assertThat(f.retriesOf(spec(""))).as("nothing declared: the settings").isSameAs(settings);

        assertThatThrownBy(() -> Retries.declared("4")).hasMessageContaining("ATTEMPTS x FIRST..CAP");
        assertThatThrownBy(() -> Retries.declared("four x 1s..2s")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Retries.declared("3 x 1m..1s")).hasMessageContaining("no longer than the cap");
        assertThatThrownBy(() -> Retries.declared("3 x 1s..soon")).hasMessageContaining("not a period");
        assertThatThrownBy(() -> spec("3 x")).hasMessageContaining("poller p: retry '3 x'");
    }

    @Test
    void aPollersFlagsAreReadAsEverySettingsFlagIs() {
        // caravan.nyt.enabled=yes passes the start-up check: the poller must not read it as false
        assertThat(flags("yes", "on").enabled()).isTrue();
        assertThat(flags("yes", "on").rememberPages()).isTrue();
        assertThat(flags("off", "0").enabled()).isFalse();
        assertThatThrownBy(() -> flags("maybe", "false"))
                .hasMessage("poller p: enabled must be true or false, got 'maybe'");
    }

    private static PollerSpec flags(String enabled, String rememberPages) {
        return poller("enabled", enabled, "rememberPages", rememberPages);
    }

    private static PollerSpec spec(String retry) {
        return poller("retry", retry);
    }

    /** Poller p with these parameters besides the required ones. */
    private static PollerSpec poller(String... parameters) {
        java.util.Map<String, Object> p = new java.util.HashMap<>(java.util.Map.of("name", "p",
                "baseUrl", "http://localhost", "schedule", "1m", "topic", "t"));
        for (int i = 0; i < parameters.length; i += 2) {
            p.put(parameters[i], parameters[i + 1]);
        }
        return PollerSpec.from("poller-p", p);
    }

    @Test
    void theHashIgnoresKeyOrderAndCanLookAtChosenFieldsOnly() {
        Map<String, Object> a = Map.of("id", 1, "status", "TIMED", "score", Map.of("home", 0), "lastUpdated", "t1");
        Map<String, Object> b = new java.util.LinkedHashMap<>();
        b.put("lastUpdated", "t2");
        b.put("score", Map.of("home", 0));
        b.put("status", "TIMED");
        b.put("id", 1);
        assertThat(RecordHash.of(a, List.of("status", "score"))).isEqualTo(RecordHash.of(b, List.of("status", "score")));
        assertThat(RecordHash.of(a, List.of("*"))).isNotEqualTo(RecordHash.of(b, List.of("*")));
        b.put("status", "IN_PLAY");
        assertThat(RecordHash.of(a, List.of("status", "score"))).isNotEqualTo(RecordHash.of(b, List.of("status", "score")));
    }

    @Test
    void randomUserCredentialsAreDroppedAndTheRestKept() throws Exception {
        Map<String, Object> user = JSON.readValue(
                Files.readString(Path.of("src/test/resources/fixtures/randomuser-result.json")), new TypeReference<>() { });
        Map<String, Object> clean = new DropFields(List.of("login.password", "login.salt", "login.md5", "login.sha1",
                "login.sha256", "no.such.field")).map(user);
        assertThat(new java.util.TreeSet<Object>(((Map<?, ?>) clean.get("login")).keySet()))
                .containsExactly("username", "uuid");
        assertThat(clean).containsKeys("name", "email", "dob");
        assertThat(((Map<?, ?>) user.get("login")).containsKey("password")).isTrue(); // the input is not modified
    }

    @Test
    void anNytOverviewBecomesOneRecordPerBookOnEachList() throws Exception {
        Map<String, Object> overview = JSON.readValue(
                Files.readString(Path.of("src/test/resources/fixtures/poll/nyt-overview-2024-01-14.json")),
                new TypeReference<>() { });
        List<Map<String, Object>> entries = new NytBestsellerEntries().entries(overview);
        assertThat(entries).hasSize(6);
        Map<String, Object> first = entries.get(0);
        assertThat(first).containsEntry("list_name_encoded", "combined-print-and-e-book-fiction")
                .containsEntry("published_date", "2024-01-14").containsEntry("rank", 1)
                .containsKeys("rank_last_week", "weeks_on_list", "title", "author", "publisher", "primary_isbn10",
                        "primary_isbn13", "description", "amazon_product_url")
                .doesNotContainKey("buy_links");
        assertThat(new NytBestsellerEntries().entries(Map.of("status", "OK"))).isEmpty();
    }

    private static Pollers.Options options(Retries retries) {
        return new Pollers.Options(false, "caravan", retries, "test", Duration.ofSeconds(10), 16 << 20);
    }
}
