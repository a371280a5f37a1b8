package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client written for Confluent REST Proxy v2 posts to Caravan unchanged and gets REST Proxy's answers, byte for byte. */
class RestProxyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("src/test/resources/rest-proxy");
    private static final String TOPIC = "0a1b2c3d4e5f.pin";

    @TempDir
    static Path data;
    static RunningCaravan app;

    @BeforeAll
    static void start() {
        // seed 004 names its topics <user id>.pin / .geo / .user: a stream can take any topic name
        app = RunningCaravan.start(data, Map.of("caravan.flows.pins.topic", TOPIC,
                "caravan.embedded.kafka.partitions", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void theRecordedProduceExchangeIsAnsweredByteForByteAndTheRecordsAreOnTheTopic() throws Exception {
        String request = Files.readString(FIXTURES.resolve("produce-request.json"));

        HttpResponse<String> response = app.post("/topics/" + TOPIC, "application/vnd.kafka.json.v2+json", request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.kafka.v2+json");
        assertThat(response.body()).isEqualTo(Files.readString(FIXTURES.resolve("produce-response.json")));
        List<ConsumerRecord<String, String>> records = TopicReader.readAtLeast(app.connections().kafkaBrokers(), TOPIC, 2);
        // no key in the request: the stream's key field (unique_id); a key in the request: that key
        assertThat(records).extracting(ConsumerRecord::key)
                .containsExactly("fbe53c66-3442-4773-b19e-d3ec6f54dddf", "a9d2c1f0");
        assertThat(JSON.readTree(records.get(0).value()))
                .isEqualTo(JSON.readTree(request).get("records").get(0).get("value"));
    }

    @Test
    void aTopicThatIsNoStreamIs404InRestProxysShape() throws Exception {
        HttpResponse<String> response = app.post("/topics/somewhere-else", "application/vnd.kafka.json.v2+json",
                "{\"records\":[{\"value\":{}}]}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo(Files.readString(FIXTURES.resolve("topic-not-found-response.json")));
    }

    @Test
    void otherFormatsAndInvalidRecordsAreRefusedInRestProxysShape() throws Exception {
        HttpResponse<String> binary = app.post("/topics/" + TOPIC, "application/vnd.kafka.binary.v2+json",
                "{\"records\":[{\"value\":\"aGVsbG8=\"}]}");
        assertThat(binary.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(binary.body()).get("error_code").asInt()).isEqualTo(415);

        HttpResponse<String> invalid = app.post("/topics/" + TOPIC, "application/vnd.kafka.json.v2+json",
                "{\"records\":[{\"value\":{\"index\":1}}]}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(invalid.body()).get("error_code").asInt()).isEqualTo(422);
        assertThat(JSON.readTree(invalid.body()).get("errors").findValuesAsText("pointer")).contains("/unique_id");
    }
}
