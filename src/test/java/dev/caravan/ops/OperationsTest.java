package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.caravan.api.JsonAnswer;
import dev.caravan.api.ProblemException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A long operation answers when it ends within the wait, else 202 with where its result will be; two at most. */
class OperationsTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private DefaultCamelContext context;
    private Operations operations;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:quick").setBody(constant(Map.of("merged", 3)));
                from("direct:slow").process(e -> release.await(30, TimeUnit.SECONDS)).setBody(constant("done"));
                from("direct:refused").process(e -> {
                    throw new ProblemException(409, "Conflict", "already running");
                });
            }
        });
        context.start();
        operations = new Operations(context, 2, Duration.ofMillis(300));
    }

    @AfterEach
    void stop() {
        release.countDown();
        operations.close();
        context.stop();
    }

    @Test
    void anOperationThatEndsWithinTheWaitIsAnsweredAsBefore() throws Exception {
        Exchange request = new DefaultExchange(context);
        operations.run("compact", "direct:quick", request);
        assertThat(request.getMessage().getBody()).isEqualTo(Map.of("merged", 3));
        assertThatThrownBy(() -> operations.run("run", "direct:refused", new DefaultExchange(context)))
                .isInstanceOf(ProblemException.class).hasMessage("already running");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLongerOneIsA202WithItsStatusUrlAndTheResultIsThereOnceItEnds() throws Exception {
        Exchange request = new DefaultExchange(context);
        operations.run("recompute", "direct:slow", request);
        JsonAnswer.Status accepted = request.getMessage().getBody(JsonAnswer.Status.class);
        assertThat(accepted.code()).isEqualTo(202);
        Map<String, Object> body = (Map<String, Object>) accepted.body();
        assertThat(body).containsEntry("status", "running").containsEntry("operation", "recompute");
        String id = (String) body.get("id");
        assertThat(accepted.headers()).containsEntry("Location", "/api/v1/operations/" + id);

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> "done".equals(operations.status(id).get("status")));
        assertThat(operations.status(id)).containsEntry("result", "done");
        assertThatThrownBy(() -> operations.status("nope")).isInstanceOf(ProblemException.class);
    }

    @Test
    void moreThanTheLimitAtOnceIsRefusedWith429() throws Exception {
        operations.run("a", "direct:slow", new DefaultExchange(context));
        operations.run("b", "direct:slow", new DefaultExchange(context));
        operations.run("c", "direct:slow", new DefaultExchange(context)); // queued behind them
        assertThatThrownBy(() -> operations.run("d", "direct:slow", new DefaultExchange(context)))
                .isInstanceOf(ProblemException.class).extracting(e -> ((ProblemException) e).status()).isEqualTo(429);
    }
}
