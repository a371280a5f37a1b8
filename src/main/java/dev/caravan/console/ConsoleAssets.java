package dev.caravan.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import dev.caravan.api.ProblemException;
import org.apache.camel.Exchange;

/**
 * Serves the operator console's files from the classpath (console/), and only those: Camel's own static-content
 * option would serve any file of the working directory (application.properties, data/) as well.
 */
public final class ConsoleAssets {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    public void serve(Exchange exchange) throws IOException {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String name = path == null || path.isBlank() || path.equals("/") ? "index.html"
                : path.substring(path.lastIndexOf('/') + 1);
        String type = FILES.get(name);
        if (type == null) {
            throw new ProblemException(404, "Not Found", "no console file named " + name);
        }
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw new ProblemException(404, "Not Found", "no console file named " + name);
            }
            exchange.getMessage().removeHeaders("*");
            exchange.getMessage().setBody(in.readAllBytes());
            exchange.getMessage().setHeader("Content-Type", type);
            exchange.getMessage().setHeader("Cache-Control", "no-cache");
            exchange.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        }
    }
}
