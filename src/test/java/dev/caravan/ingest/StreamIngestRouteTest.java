package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.CaravanConfiguration;
import dev.caravan.testing.OfflineRoutes;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream ingest route with Kafka replaced by a mock: every answer the route gives, by status code. */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            // the geo stream is the geo flow's: its file, on the templates it uses
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,file:routes/flows/geo.camel.yaml,"
                    + "file:routes/ingest/streams.camel.yaml,file:routes/config/*.camel.yaml",
            "caravan.ingest.api-keys=secret-1,secret-2",
            "caravan.ingest.max-records=2"
        },
        advices = @AdviceRouteMapping(route = "stream-ingest", advice = StreamIngestRouteTest.Advice.class))
class StreamIngestRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GEO = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1.5,"
            + "\"longitude\":2,\"country\":\"Chad\"}";

    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("publish-stream-batch").replace().to("mock:kafka");
        }
    }

    @EndpointInject("mock:kafka")
    MockEndpoint kafka;

    @Produce("direct:stream-ingest")
    ProducerTemplate http;

    @BeforeEach
    void kafkaAcknowledgesInOrder() {
        kafka.whenAnyExchangeReceived(e -> {
            IngestBatch batch = e.getMessage().getBody(IngestBatch.class);
            List<RecordMetadata> acks = new java.util.ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                acks.add(new RecordMetadata(new TopicPartition(batch.stream().topic(), 1), 40 + i, 0, 0L, 0, 0));
            }
            e.getMessage().setBody(acks);
        });
    }

    @Test
    void validRecordsAre202WithOneReceiptPerRecordInInputOrder() throws Exception {
        Exchange answer = post("geo", "application/json", "[" + GEO.formatted(1) + "," + GEO.formatted(2) + "]",
                Map.of("Authorization", "Bearer secret-2"));

        assertThat(status(answer)).isEqualTo(202);
        JsonNode body = body(answer);
        assertThat(body.get("stream").asText()).isEqualTo("geo");
        assertThat(body.get("topic").asText()).isEqualTo("caravan.geo");
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("receipts").findValuesAsText("offset")).containsExactly("40", "41");
        IngestBatch published = kafka.getExchanges().get(0).getIn().getBody(IngestBatch.class);
        assertThat(published.records()).extracting(IngestBatch.Keyed::key).containsExactly("1", "2");
    }

    @Test
    void eachClientMistakeHasItsStatusAndAProblemBody() throws Exception {
        Map<String, Object> key = Map.of("X-API-Key", "secret-1");
        assertProblem(post("geo", "application/json", "{\"ind\":", key), 400, "not valid JSON");
        assertProblem(post("geo", "text/csv", "ind\n1", key), 415, "application/x-ndjson");
        assertProblem(post("geo", "application/x-ndjson", (GEO + "\n").formatted(1).repeat(3), key), 413,
                "at most 2 records");
        assertProblem(post("nowhere", "application/json", GEO.formatted(1), key), 404, "no stream named 'nowhere'; streams: geo");
        Exchange invalid = post("geo", "application/json",
                "[" + GEO.formatted(1) + ",{\"ind\":2,\"timestamp\":\"t\",\"latitude\":\"north\"}]", key);
        assertProblem(invalid, 422, "nothing was published");
        assertThat(body(invalid).get("errors").findValuesAsText("pointer")).contains("/latitude", "/longitude");
        assertThat(body(invalid).get("errors").findValuesAsText("index")).containsOnly("1");
        assertThat(kafka.getReceivedCounter()).as("nothing reaches Kafka for a rejected request").isZero();
    }

    @Test
    void kafkaNotAcknowledgingIs503WithRetryAfter() throws Exception {
        kafka.whenAnyExchangeReceived(e -> {
            throw new ProblemException(503, "Service Unavailable", "Kafka did not acknowledge", List.of(),
                    Map.of("Retry-After", "5"));
        });
        Exchange answer = post("geo", "application/json", GEO.formatted(1), Map.of("X-API-Key", "secret-1"));

        assertProblem(answer, 503, "Kafka did not acknowledge");
        assertThat(answer.getMessage().getHeader("Retry-After", String.class)).isEqualTo("5");
    }

    @Test
    void anUnexpectedFailureIs500WithoutInternals() throws Exception {
        kafka.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("secret internal detail");
        });
        Exchange answer = post("geo", "application/json", GEO.formatted(1), Map.of("X-API-Key", "secret-1"));

        assertProblem(answer, 500, "see the server log");
        assertThat(answer.getMessage().getBody(String.class)).doesNotContain("secret internal detail", "Exception");
    }

    private Exchange post(String stream, String contentType, String body, Map<String, Object> headers) {
        return http.request("direct:stream-ingest", e -> {
            e.getMessage().setHeader("stream", stream);
            e.getMessage().setHeader("Content-Type", contentType);
            e.getMessage().setHeader(Exchange.HTTP_PATH, "/api/v1/streams/" + stream);
            headers.forEach(e.getMessage()::setHeader);
            e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        });
    }

    private static void assertProblem(Exchange answer, int status, String detail) throws Exception {
        assertThat(status(answer)).isEqualTo(status);
        assertThat(answer.getMessage().getHeader("Content-Type", String.class)).isEqualTo("application/problem+json");
        JsonNode problem = body(answer);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).contains(detail);
    }

    private static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static JsonNode body(Exchange e) throws Exception {
        return JSON.readTree(e.getMessage().getBody(String.class));
    }
}
