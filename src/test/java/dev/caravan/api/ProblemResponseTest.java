package dev.caravan.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** What an HTTP route's failure is answered with: the problem it threw, 503 when MongoDB failed, else a bare 500. */
class ProblemResponseTest {

    @Test
    void aCommandMongoDbFailedIsAnsweredAsUnavailableWithRetryAfterAndNoDetailOfTheServers() {
        Exchange e = render(new IllegalStateException("wrapped", new MongoCommandException(
                new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(-1))
                        .append("errmsg", new BsonString("Chunk 12973 not found")), new ServerAddress())));

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(e.getMessage().getHeader("Retry-After")).isEqualTo("30");
        assertThat(e.getMessage().getBody(String.class)).contains("\"status\":503").doesNotContain("Chunk");
    }

    @Test
    void anyOtherFailureIsA500ThatSaysNothingOfIt() {
        Exchange e = render(new IllegalStateException("secret internals"));

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(500);
        assertThat(e.getMessage().getBody(String.class)).doesNotContain("secret");
    }

    @Test
    void aProblemIsAnsweredAsItIs() {
        Exchange e = render(new ProblemException(409, "Conflict", "already running"));

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(409);
        assertThat(e.getMessage().getBody(String.class)).contains("already running");
    }

    private static Exchange render(Throwable caught) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.setProperty(Exchange.EXCEPTION_CAUGHT, caught);
        e.getMessage().setHeader(Exchange.HTTP_PATH, "/api/v1/metrics/recompute");
        new ProblemResponse().render(e);
        return e;
    }
}
