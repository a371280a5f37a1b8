package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * The long operations' routes, advised by id (the work replaced by mocks): an operation that ends within the wait
 * answers its result, a longer one answers 202 with the URL its status is read from, a refused one answers its
 * problem, and a lake reconcile answers the reconciler's report.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/ops/*.camel.yaml,file:routes/config/*.camel.yaml",
            "caravan.ops.wait-ms=300"
        },
        advices = {
            @AdviceRouteMapping(route = "compact-lake-work", advice = OperationRoutesTest.Compact.class),
            @AdviceRouteMapping(route = "redrive-topic", advice = OperationRoutesTest.Redrive.class),
            @AdviceRouteMapping(route = "reconcile-lake-topic", advice = OperationRoutesTest.Reconcile.class)
        })
class OperationRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final class Compact extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("compact-lake").replace().to("mock:compactor");
        }
    }

    public static final class Redrive extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("redrive-topic-records").replace().to("mock:redrive");
        }
    }

    public static final class Reconcile extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("reconcile-lake").replace().to("mock:reconcile");
        }
    }

    @EndpointInject("mock:compactor")
    MockEndpoint compactor;
    @EndpointInject("mock:redrive")
    MockEndpoint redrive;
    @EndpointInject("mock:reconcile")
    MockEndpoint reconcile;
    @Produce
    ProducerTemplate http;

    @BeforeEach
    void reset() {
        compactor.reset();
        redrive.reset();
        reconcile.reset();
    }

    @Test
    void anOperationThatEndsWithinTheWaitAnswersItsResult() throws Exception {
        compactor.whenAnyExchangeReceived(e -> e.getMessage().setBody(Map.of("groupsCompacted", 2)));

        Exchange answer = http.request("direct:lake-compact", e -> e.getMessage().setHeader("topics", "caravan.pins"));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(answer).get("groupsCompacted").asInt()).isEqualTo(2);
        assertThat(compactor.getExchanges().get(0).getMessage().getHeader("topics")).isEqualTo("caravan.pins");
    }

    @Test
    void aLongerOneAnswers202WithItsStatusUrlWhereItsResultAppears() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        redrive.whenAnyExchangeReceived(e -> {
            release.await(10, TimeUnit.SECONDS);
            e.getMessage().setBody(Map.of("topic", e.getMessage().getHeader("topic"), "redriven", 3));
        });

        Exchange accepted = http.request("direct:dlq-redrive", e -> e.getMessage().setHeader("topic", "caravan.geo"));

        assertThat(accepted.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        String location = accepted.getMessage().getHeader("Location", String.class);
        assertThat(location).startsWith("/api/v1/operations/");
        String id = location.substring(location.lastIndexOf('/') + 1);
        assertThat(status(id).get("status").asText()).isEqualTo("running");

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).get("status").asText().equals("done"));
        assertThat(status(id).at("/result/redriven").asInt()).isEqualTo(3);
    }

    @Test
    void aRefusedOperationAnswersItsProblemAndAnUnknownIdIs404() throws Exception {
        compactor.whenAnyExchangeReceived(e -> {
            throw new ProblemException(422, "Unprocessable Entity", "no such topic: nowhere");
        });

        Exchange refused = http.request("direct:lake-compact", e -> e.getMessage().setHeader("topics", "nowhere"));
        Exchange unknown = http.request("direct:operation-status", e -> e.getMessage().setHeader("id", "nope"));

        assertThat(refused.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(422);
        assertThat(json(refused).get("detail").asText()).isEqualTo("no such topic: nowhere");
        assertThat(unknown.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
    }

    @Test
    void aReconcileAnswersTheReconcilersReport() throws Exception {
        reconcile.whenAnyExchangeReceived(e -> e.getMessage().setBody(Map.of("topic", "caravan.geo", "ok", true)));

        Exchange answer = http.request("direct:lake-reconcile", e -> e.getMessage().setHeader("topic", "caravan.geo"));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(answer).get("ok").asBoolean()).isTrue();
        assertThat(reconcile.getExchanges().get(0).getMessage().getHeader("topic")).isEqualTo("caravan.geo");
    }

    private JsonNode status(String id) throws Exception {
        return json(http.request("direct:operation-status", e -> e.getMessage().setHeader("id", id)));
    }

    private static JsonNode json(Exchange e) throws Exception {
        return JSON.readTree(e.getMessage().getBody(String.class));
    }
}
