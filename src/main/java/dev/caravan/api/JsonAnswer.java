package dev.caravan.api;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * The last step of every JSON endpoint: the body as JSON, no header of the request or of the route's work leaking
 * into the answer, and the status the body asks for ({@link Status}), else 200.
 */
public final class JsonAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A body with its own status and headers (202 Accepted, say). */
    public record Status(int code, Object body, Map<String, String> headers) {
    }

    public void answer(Exchange exchange) throws JsonProcessingException {
        Object body = exchange.getMessage().getBody();
        int code = 200;
        Map<String, String> headers = Map.of();
        if (body instanceof Status s) {
            code = s.code();
            body = s.body();
            headers = s.headers();
        }
        var m = exchange.getMessage();
        m.setBody(body instanceof String text ? text : JSON.writeValueAsString(body));
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        headers.forEach(m::setHeader);
    }
}
