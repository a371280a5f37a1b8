package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency-Key bookkeeping against a real MongoDB wire-protocol server, with a clock the test moves. */
class IdempotencyKeysTest {

    private MongoServer server;
    private MongoClient client;
    private final CamelContext camel = new DefaultCamelContext();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private IdempotencyKeys keys;

    @BeforeEach
    void start() {
        server = new MongoServer(H2Backend.inMemory());
        client = MongoClients.create(server.bindAndGetConnectionString());
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        keys = new IdempotencyKeys(client.getDatabase("caravan").getCollection("ingest_requests"), Duration.ofHours(24), Duration.ofSeconds(25), clock);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aRequestWithoutKeyIsUntouched() {
        Exchange e = request(null, "{}");
        keys.begin(e);
        assertThat(e.getProperty(IdempotencyKeys.REPLAY)).isNull();
    }

    @Test
    void aRepeatWhileTheFirstIsRunningIs409AndAfterItCompletedIsAReplay() {
        keys.begin(request("k1", "{\"a\":1}"));
        Exchange first = lastBegun;

        ProblemException running = catchThrowableOfType(ProblemException.class, () -> keys.begin(request("k1", "{\"a\":1}")));
        assertThat(running.status()).isEqualTo(409);

        first.getMessage().setBody("{\"accepted\":1}");
        keys.complete(first);
        Exchange repeat = request("k1", "{\"a\":1}");
        keys.begin(repeat);
        assertThat(repeat.getProperty(IdempotencyKeys.REPLAY)).isEqualTo("{\"accepted\":1}");
    }

    @Test
    void anAnswerMongoDbDidNotTakeKeepsItsKeySoARetryPublishesNothing() {
        Exchange first = request("k4", "{\"a\":1}");
        keys.begin(first);
        first.getMessage().setBody("{\"accepted\":1}");
        server.shutdownNow(); // MongoDB goes away between the publish and storing the answer
        keys.complete(first);
        assertThat(keys.unstoredCount()).isEqualTo(1);
        assertThat(first.getProperty("caravanIdempotencyStored")).as("published: never released").isEqualTo(true);

        Exchange retry = request("k4", "{\"a\":1}");
        keys.begin(retry);
        assertThat(retry.getProperty(IdempotencyKeys.REPLAY)).isEqualTo("{\"accepted\":1}");
        ProblemException other = catchThrowableOfType(ProblemException.class, () -> keys.begin(request("k4", "{}")));
        assertThat(other.status()).isEqualTo(422);
    }

    @Test
    void anAnswerIsReplayedOnlyWithinTheWindow() {
        Exchange first = request("k2", "{}");
        keys.begin(first);
        first.getMessage().setBody("{\"accepted\":1}");
        keys.complete(first);

        now = now.plus(Duration.ofHours(25));
        Exchange later = request("k2", "{}");
        keys.begin(later);
        assertThat(later.getProperty(IdempotencyKeys.REPLAY)).as("expired: treated as a new request").isNull();
    }

    @Test
    void theSameKeyInAnotherStreamIsAnotherRequestAndBadKeysAre400() {
        keys.begin(request("k3", "{}"));
        Exchange other = request("k3", "{}");
        other.getMessage().setHeader("stream", "users");
        keys.begin(other);
        assertThat(other.getProperty(IdempotencyKeys.REPLAY)).isNull();

        assertThat(catchThrowableOfType(ProblemException.class, () -> keys.begin(request("has space", "{}"))).status())
                .isEqualTo(400);
    }

    private Exchange lastBegun;

    private Exchange request(String key, String body) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeader("stream", "geo");
        if (key != null) {
            e.getMessage().setHeader(IdempotencyKeys.HEADER, key);
        }
        e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        lastBegun = e;
        return e;
    }
}
