package dev.caravan.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
import org.junit.jupiter.api.Test;

/**
 * The remaining small routes, advised by id: the console's overview as JSON (and a failure as a problem), the OpenAPI
 * document naming the REST operations, the inbox door handing its record to the stream route as the inbox stream,
 * the registry's read API handing its request over, the lake's rotation timer and compaction schedules, and the
 * console page with its security headers.
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/templates/*.camel.yaml,file:routes/flows/inbox.camel.yaml,"
                    + "file:routes/console/overview.camel.yaml,file:routes/ingest/openapi.camel.yaml,"
                    + "file:routes/schema/registry-api.camel.yaml,file:routes/sink/lake-rotation.camel.yaml,"
                    + "file:routes/sink/lake-compaction.camel.yaml,file:routes/console/console-page.camel.yaml,"
                    + "file:routes/config/*.camel.yaml",
            "caravan.lake.check-interval-ms=50"
        },
        advices = {
            @AdviceRouteMapping(route = "read-overview", advice = ServedRoutesTest.OverviewAdvice.class),
            @AdviceRouteMapping(route = "inbox-publish", advice = ServedRoutesTest.InboxAdvice.class),
            @AdviceRouteMapping(route = "registry-read", advice = ServedRoutesTest.RegistryAdvice.class),
            @AdviceRouteMapping(route = "lake-rotation", advice = ServedRoutesTest.RotationAdvice.class),
            @AdviceRouteMapping(route = "compact-lake-daily", advice = ServedRoutesTest.DailyAdvice.class),
            @AdviceRouteMapping(route = "compact-lake-weekly", advice = ServedRoutesTest.WeeklyAdvice.class),
            @AdviceRouteMapping(route = "console-page", advice = ServedRoutesTest.ConsoleAdvice.class)
        })
class ServedRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final class OverviewAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("compute-overview").replace().to("mock:overview");
        }
    }

    public static final class InboxAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("inbox-as-stream").replace().to("mock:stream-ingest");
        }
    }

    public static final class RegistryAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("answer-registry-read").replace().to("mock:registry");
        }
    }

    public static final class RotationAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("cut-old-lake-units").replace().to("mock:rotation");
            weaveById("land-old-lake-units").remove();
        }
    }

    public static final class DailyAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:daily");
            weaveByType(org.apache.camel.model.BeanDefinition.class).replace().setBody(constant("daily")).to("mock:compaction");
        }
    }

    public static final class WeeklyAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:weekly");
            weaveByType(org.apache.camel.model.BeanDefinition.class).replace().setBody(constant("weekly")).to("mock:compaction");
        }
    }

    public static final class ConsoleAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            replaceFromWith("direct:console-page");
        }
    }

    @EndpointInject("mock:compaction")
    MockEndpoint compaction;
    @EndpointInject("mock:overview")
    MockEndpoint overview;
    @EndpointInject("mock:stream-ingest")
    MockEndpoint streamIngest;
    @EndpointInject("mock:registry")
    MockEndpoint registry;
    @EndpointInject("mock:rotation")
    MockEndpoint rotation;
    @Produce
    ProducerTemplate http;

    @Test
    void theOverviewIsJsonAndAFailureIsAProblemNotAStackTrace() throws Exception {
        overview.whenExchangeReceived(1, e -> e.getMessage().setBody(Map.of("streams", 5)));
        overview.whenExchangeReceived(2, e -> {
            throw new IllegalStateException("MongoDB did not answer");
        });

        Exchange fine = http.request("direct:overview", e -> { });
        Exchange failed = http.request("direct:overview", e -> { });

        assertThat(json(fine).get("streams").asInt()).isEqualTo(5);
        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(500);
        assertThat(json(failed).get("title").asText()).isEqualTo("Internal Server Error");
        assertThat(failed.getMessage().getBody(String.class)).doesNotContain("at dev.caravan");
    }

    @Test
    void theOpenApiDocumentNamesTheRestOperations() throws Exception {
        JsonNode doc = json(http.request("direct:openapi", e -> { }));

        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.at("/paths").fieldNames()).toIterable().contains("/api/v1/overview", "/api/v1/inbox");
    }

    @Test
    void theInboxDoorHandsItsRecordToTheStreamRouteAsTheInboxStream() {
        http.sendBody("direct:inbox-publish", "{\"message\":\"hello\"}");

        Exchange handed = streamIngest.getExchanges().get(0);
        assertThat(handed.getMessage().getHeader("stream")).isEqualTo("inbox");
        assertThat(handed.getProperty("caravanAnswer")).isEqualTo("inbox");
        assertThat(handed.getMessage().getBody(String.class)).isEqualTo("{\"message\":\"hello\"}");
    }

    @Test
    void theRegistryReadApiAndTheRotationTimerReachTheirBeans() {
        http.sendBodyAndHeader("direct:registry-read", null, "id", "7");

        assertThat(registry.getExchanges().get(0).getMessage().getHeader("id")).isEqualTo("7");
        await().atMost(Duration.ofSeconds(10)).until(() -> rotation.getReceivedCounter() >= 2);
    }

    @Test
    void eachCompactionScheduleRunsItsOwnStep() {
        http.sendBody("direct:daily", null);
        http.sendBody("direct:weekly", null);

        assertThat(compaction.getExchanges()).extracting(e -> e.getMessage().getBody(String.class))
                .containsExactly("daily", "weekly");
    }

    @Test
    void theConsolePageIsServedWithItsContentSecurityPolicyAndNoFraming() {
        Exchange page = http.request("direct:console-page", e -> e.getMessage().setHeader(Exchange.HTTP_PATH, "/"));

        assertThat(page.getMessage().getHeader("Content-Security-Policy", String.class)).contains("frame-ancestors 'none'");
        assertThat(page.getMessage().getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.getMessage().getBody(String.class)).contains("<html");
    }

    private static JsonNode json(Exchange e) throws Exception {
        return JSON.readTree(e.getMessage().getBody(String.class));
    }
}
