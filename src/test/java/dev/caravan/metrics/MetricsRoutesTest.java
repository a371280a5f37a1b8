package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.api.ProblemException;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics' routes, advised by id (the Metrics bean replaced by mocks): the list and one metric as JSON, an
 * unknown name as a 404 problem, a recompute as an operation, the refresh timer and the nightly batch calling theirs.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/metrics/*.camel.yaml,file:routes/ops/operations.camel.yaml,"
                    + "file:routes/config/*.camel.yaml",
            "caravan.metrics.refresh-ms=50"
        },
        advices = {
            @AdviceRouteMapping(route = "list-metrics", advice = MetricsRoutesTest.ListAdvice.class),
            @AdviceRouteMapping(route = "get-metric", advice = MetricsRoutesTest.GetAdvice.class),
            @AdviceRouteMapping(route = "recompute-metrics-work", advice = MetricsRoutesTest.Recompute.class),
            @AdviceRouteMapping(route = "refresh-metrics", advice = MetricsRoutesTest.Refresh.class),
            @AdviceRouteMapping(route = "recompute-metrics", advice = MetricsRoutesTest.Nightly.class)
        })
class MetricsRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final class ListAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("read-metric-list").replace().to("mock:list");
        }
    }

    public static final class GetAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("read-metric").replace().to("mock:get");
        }
    }

    public static final class Recompute extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("recompute-now").replace().to("mock:recompute");
        }
    }

    public static final class Refresh extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("compute-stream-metrics").replace().to("mock:refresh");
        }
    }

    public static final class Nightly extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:nightly");
            weaveById("compute-batch-metrics").replace().to("mock:nightly");
        }
    }

    @EndpointInject("mock:list")
    MockEndpoint list;
    @EndpointInject("mock:get")
    MockEndpoint get;
    @EndpointInject("mock:recompute")
    MockEndpoint recompute;
    @EndpointInject("mock:refresh")
    MockEndpoint refresh;
    @EndpointInject("mock:nightly")
    MockEndpoint nightly;
    @Produce
    ProducerTemplate http;

    @BeforeEach
    void answers() {
        list.whenAnyExchangeReceived(e -> e.getMessage().setBody(List.of(Map.of("name", "m1", "agree", true))));
        get.whenAnyExchangeReceived(e -> {
            String name = e.getMessage().getHeader("name", String.class);
            if (!"m1".equals(name)) {
                throw new ProblemException(404, "Not Found", "no metric named '" + name + "'");
            }
            e.getMessage().setBody(Map.of("name", "m1", "rows", List.of(Map.of("n", 1))));
        });
        recompute.whenAnyExchangeReceived(e -> e.getMessage().setBody(Map.of("agree", false)));
    }

    @Test
    void theListAndOneMetricAreJsonAndAnUnknownNameIsA404Problem() throws Exception {
        Exchange all = http.request("direct:list-metrics", e -> { });
        Exchange one = http.request("direct:get-metric", e -> e.getMessage().setHeader("name", "m1"));
        Exchange none = http.request("direct:get-metric", e -> e.getMessage().setHeader("name", "m2"));

        assertThat(json(all).get(0).get("name").asText()).isEqualTo("m1");
        assertThat(json(one).at("/rows/0/n").asInt()).isEqualTo(1);
        assertThat(none.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
        assertThat(json(none).get("detail").asText()).isEqualTo("no metric named 'm2'");
    }

    @Test
    void aRecomputeRunsAsAnOperationAndAnswersItsReport() throws Exception {
        Exchange answer = http.request("direct:recompute-metrics", e -> { });

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(answer).get("agree").asBoolean()).isFalse();
        assertThat(recompute.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void theTimerRefreshesTheStreamAndTheNightlyScheduleRecomputes() {
        await().atMost(Duration.ofSeconds(10)).until(() -> refresh.getReceivedCounter() >= 2);

        http.sendBody("direct:nightly", null);
        assertThat(nightly.getReceivedCounter()).isEqualTo(1);
    }

    private static JsonNode json(Exchange e) throws Exception {
        return JSON.readTree(e.getMessage().getBody(String.class));
    }
}
