package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given Kafka goes away: ingest answers 503 with Retry-After, writes nothing, and recovers when Kafka is back. */
class BrokerOutageIT {

    private static final String GEO = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1,"
            + "\"longitude\":2,\"country\":\"Peru\"}";

    @TempDir
    Path data;

    @Test
    void aStoppedBrokerGives503AndNothingHalfWrittenThenIngestRecovers() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        EmbeddedKafka kafka = new EmbeddedKafka(data.resolve("external-kafka"), "127.0.0.1", port, 1);
        kafka.start();
        try (RunningCaravan app = RunningCaravan.start(data.resolve("app"), Map.of(
                "caravan.kafka.brokers", kafka.bootstrapServers(), "caravan.ingest.timeout-ms", "3000"))) {
            assertThat(app.post("/api/v1/streams/geo", "application/json", batch(1, 2)).statusCode()).isEqualTo(202);

            kafka.close();
            long started = System.nanoTime();
            HttpResponse<String> batch = app.post("/api/v1/streams/geo", "application/json", batch(3, 4));
            HttpResponse<String> single = app.post("/api/v1/streams/geo", "application/json", GEO.formatted(5));

            assertThat(batch.statusCode()).isEqualTo(503);
            assertThat(batch.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(batch.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(batch.body()).contains("nothing was published");
            assertThat(single.statusCode()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered, not hung").isLessThan(Duration.ofSeconds(60));

            kafka = new EmbeddedKafka(data.resolve("external-kafka"), "127.0.0.1", port, 1);
            kafka.start();
            await("ingest recovers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> app.post("/api/v1/streams/geo", "application/json", batch(6, 7)).statusCode() == 202);

            List<String> keys = TopicReader.readAll(kafka.bootstrapServers(), "caravan.geo").stream()
                    .map(ConsumerRecord::key).toList();
            assertThat(keys).contains("1", "2", "6", "7").doesNotContain("3", "4", "5");
        } finally {
            kafka.close();
        }
    }

    private static String batch(int a, int b) {
        return "[" + GEO.formatted(a) + "," + GEO.formatted(b) + "]";
    }
}
