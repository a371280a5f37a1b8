package dev.caravan.api;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders the exception an HTTP route caught as a problem+json body; never a stack trace. */
public final class ProblemResponse {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponse.class);

    /** MongoDB failed the request (down, timed out, or a command failed on its side): not the client's error. */
    static final ProblemException MONGODB_FAILED = new ProblemException(503, "Service Unavailable",
            "MongoDB did not complete the request; try again later (the server log has the reason)", List.of(),
            Map.of("Retry-After", "30"));

    public void render(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = caught instanceof ProblemException p ? p
                : fromMongoDb(caught) ? MONGODB_FAILED
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

    private static boolean fromMongoDb(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.mongodb.MongoException) {
                return true;
            }
        }
        return false;
    }
}
