package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders what a REST Proxy route caught in REST Proxy's own error shape, so its clients understand it. */
public final class RestProxyErrors {

    private static final Logger LOG = LoggerFactory.getLogger(RestProxyErrors.class);

    public void render(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProblemException problem = caught instanceof ProblemException p ? p
                : new ProblemException(500, "Internal Server Error", "Internal server error");
        if (!(caught instanceof ProblemException) && caught != null) {
            LOG.error("POST {} failed: {}", exchange.getMessage().getHeader(Exchange.HTTP_PATH), caught.toString());
        }
        exchange.getMessage().removeHeaders("*");
        problem.headers().forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, RestProxyV2.RESPONSE_TYPE);
        exchange.getMessage().setBody(RestProxyV2.error(problem));
    }
}
