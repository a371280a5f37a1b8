package dev.caravan.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

/**
 * The Kafka REST Proxy v2 route with Kafka replaced by a mock, advised by id: a flow's topic takes records in REST
 * Proxy's shape and answers in it; everything else is refused in REST Proxy's error shape before Kafka is asked.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,file:routes/flows/geo.camel.yaml,"
                    + "file:routes/ingest/rest-proxy.camel.yaml,file:routes/config/*.camel.yaml"
        },
        advices = @AdviceRouteMapping(route = "rest-proxy-produce", advice = RestProxyRouteTest.Advice.class))
class RestProxyRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V2 = "application/vnd.kafka.json.v2+json";
    private static final String GEO = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1.5,"
            + "\"longitude\":2,\"country\":\"Chad\"}";

    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("publish-rest-proxy-batch").replace().to("mock:kafka");
        }
    }

    @EndpointInject("mock:kafka")
    MockEndpoint kafka;
    @Produce
    ProducerTemplate producer;

    @BeforeEach
    void kafkaAcknowledgesInOrder() {
        kafka.whenAnyExchangeReceived(e -> {
            IngestBatch batch = e.getMessage().getBody(IngestBatch.class);
            List<RecordMetadata> acks = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                acks.add(new RecordMetadata(new TopicPartition(batch.stream().topic(), 2), 7 + i, 0, 0L, 0, 0));
            }
            e.getMessage().setBody(acks);
        });
    }

    @Test
    void recordsOfAFlowsTopicArePublishedAndAnsweredLikeRestProxy() throws Exception {
        Exchange answer = post("caravan.geo", V2, "{\"records\":[{\"value\":" + GEO.formatted(1) + "},"
                + "{\"key\":\"mine\",\"value\":" + GEO.formatted(2) + "}]}");

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
        assertThat(answer.getMessage().getHeader("Content-Type", String.class)).isEqualTo("application/vnd.kafka.v2+json");
        JsonNode body = JSON.readTree(answer.getMessage().getBody(String.class));
        assertThat(body.get("offsets").findValuesAsText("offset")).containsExactly("7", "8");
        assertThat(body.get("offsets").findValuesAsText("partition")).containsExactly("2", "2");
        IngestBatch published = kafka.getExchanges().get(0).getMessage().getBody(IngestBatch.class);
        assertThat(published.records()).extracting(IngestBatch.Keyed::key)
                .as("no key: the flow's key field; a key given: kept").containsExactly("1", "mine");
    }

    @Test
    void aTopicNoFlowTakesIsRestProxysTopicNotFound_andNothingReachesKafka() throws Exception {
        Exchange answer = post("somewhere.else", V2, "{\"records\":[{\"value\":{}}]}");

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(404);
        JsonNode body = JSON.readTree(answer.getMessage().getBody(String.class));
        assertThat(body.get("error_code").asInt()).isEqualTo(40401);
        assertThat(kafka.getReceivedCounter()).isZero();
    }

    @Test
    void aRecordTheSchemaRefusesIsRefusedWithoutPublishingAny() throws Exception {
        Exchange answer = post("caravan.geo", V2, "{\"records\":[{\"value\":" + GEO.formatted(1) + "},"
                + "{\"value\":{\"ind\":\"two\"}}]}");

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(422);
        assertThat(kafka.getReceivedCounter()).isZero();
    }

    private Exchange post(String topic, String contentType, String body) {
        return producer.request("direct:rest-proxy-produce", e -> {
            e.getMessage().setHeader("topic", topic);
            e.getMessage().setHeader("Content-Type", contentType);
            e.getMessage().setHeader(Exchange.HTTP_PATH, "/topics/" + topic);
            e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        });
    }
}
