package dev.caravan.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders the exception an HTTP route caught as a problem+json body; never a stack trace. */
public final class ProblemResponse {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponse.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public void render(Exchange exchange) throws JsonProcessingException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status = 500;
        String title = "Internal Server Error";
        String detail = "the request could not be processed; see the server log";
        if (caught instanceof ProblemException p) {
            status = p.status();
            title = p.title();
            detail = p.getMessage();
        } else if (caught != null) {
            // the client learns only that it failed; the operator gets the reason
            LOG.error("{} {} failed: {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_PATH), caught.toString());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (path != null) {
            body.put("instance", path);
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
    }
}
