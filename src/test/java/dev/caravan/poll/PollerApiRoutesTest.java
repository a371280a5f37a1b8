package dev.caravan.poll;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The pollers' API routes, advised by id (the Pollers bean replaced by mocks): the list as JSON, a run as an
 * operation answering what it produced, an unknown poller as a 404 problem. (A poller's clock: HttpPollerRouteTest.)
 */
@CamelMainTest(
        configurationClasses = CaravanConfiguration.class,
        propertyPlaceholderLocations = OfflineRoutes.PROPERTIES,
        properties = {
            "camel.main.routes-include-pattern=file:routes/poll/*.camel.yaml,file:routes/ops/operations.camel.yaml,"
                    + "file:routes/config/*.camel.yaml"
        },
        advices = {
            @AdviceRouteMapping(route = "pollers-state", advice = PollerApiRoutesTest.ListAdvice.class),
            @AdviceRouteMapping(route = "run-poller-work", advice = PollerApiRoutesTest.RunAdvice.class)
        })
class PollerApiRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final class ListAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("read-pollers").replace().to("mock:list");
        }
    }

    public static final class RunAdvice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("run-poller-now").replace().to("mock:run");
        }
    }

    @EndpointInject("mock:list")
    MockEndpoint list;
    @EndpointInject("mock:run")
    MockEndpoint run;
    @Produce
    ProducerTemplate http;

    @BeforeEach
    void answers() {
        list.whenAnyExchangeReceived(e -> e.getMessage().setBody(List.of(Map.of("name", "nyt", "enabled", false))));
        run.whenAnyExchangeReceived(e -> {
            String name = e.getMessage().getHeader("name", String.class);
            if (!"randomuser".equals(name)) {
                throw new ProblemException(404, "Not Found", "no poller named '" + name + "'");
            }
            e.getMessage().setBody(Map.of("poller", name, "status", "OK", "records", 10));
        });
    }

    @Test
    void theListIsJsonAndARunAnswersWhatItProduced() throws Exception {
        Exchange all = http.request("direct:list-pollers", e -> { });
        Exchange ran = http.request("direct:run-poller", e -> e.getMessage().setHeader("name", "randomuser"));

        assertThat(json(all).get(0).get("name").asText()).isEqualTo("nyt");
        assertThat(ran.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(ran).get("records").asInt()).isEqualTo(10);
    }

    @Test
    void anUnknownPollerIsA404Problem() throws Exception {
        Exchange none = http.request("direct:run-poller", e -> e.getMessage().setHeader("name", "nope"));

        assertThat(none.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
        assertThat(json(none).get("detail").asText()).isEqualTo("no poller named 'nope'");
    }

    private static JsonNode json(Exchange e) throws Exception {
        return JSON.readTree(e.getMessage().getBody(String.class));
    }
}
