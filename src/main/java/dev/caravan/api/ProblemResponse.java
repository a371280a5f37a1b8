package dev.caravan.api;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders the exception an HTTP route caught as a problem+json body; never a stack trace. */
public final class ProblemResponse {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponse.class);

    public void render(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = caught instanceof ProblemException p ? p
                : new ProblemException(500, "Internal Server Error", "the request could not be processed; see the server log");
        if (!(caught instanceof ProblemException) && caught != null) {
            // the client learns only that it failed; the operator gets the reason
            LOG.error("{} {} failed: {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_PATH), caught.toString());
        }
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        exchange.getMessage().removeHeaders("*");
        problem.headers().forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        exchange.getMessage().setBody(problem.toProblem(path).toJson());
    }
}
