package dev.caravan.api;

import java.lang.reflect.Field;
import java.util.Map;

import dev.caravan.settings.Settings;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors the HTTP server answers before any route runs (unknown path, wrong method, body over the limit) get a
 * problem+json body like the routes' own errors, instead of Vert.x's HTML or empty pages.
 */
public final class HttpProblems extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProblems.class);
    private static final Map<Integer, String> TITLES = Map.of(
            400, "Bad Request", 404, "Not Found", 405, "Method Not Allowed", 413, "Content Too Large",
            415, "Unsupported Media Type", 500, "Internal Server Error");

    @Override
    public void afterStart(BaseMainSupport main) {
        String port = new Settings(main.getCamelContext()).find(Settings.ACTIVE_HTTP_PORT).orElse(null);
        VertxPlatformHttpRouter router = port == null ? null
                : VertxPlatformHttpRouter.lookup(main.getCamelContext(),
                        VertxPlatformHttpRouter.getRouterNameFromPort(Integer.parseInt(port)));
        if (router == null) {
            LOG.debug("No platform-http router found: HTTP errors keep Vert.x's default pages");
            return;
        }
        long maxBody = main.configure().httpServer().getMaxBodySize() == null ? -1
                : main.configure().httpServer().getMaxBodySize();
        Router root = rootRouter(main);
        TITLES.forEach((status, title) -> {
            router.errorHandler(status, ctx -> answer(ctx, status, title, maxBody));
            if (root != null) {
                root.errorHandler(status, ctx -> answer(ctx, status, title, maxBody));
            }
        });
    }

    /** The server's top router, where the body-size check fails requests; Camel keeps it private, so read the field. */
    private static Router rootRouter(BaseMainSupport main) {
        VertxPlatformHttpServer server = main.getCamelContext().hasService(VertxPlatformHttpServer.class);
        if (server == null) {
            return null;
        }
        try {
            Field field = VertxPlatformHttpServer.class.getDeclaredField("router");
            field.setAccessible(true);
            return (Router) field.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Cannot reach the HTTP server's top router: {}", e.toString());
            return null;
        }
    }

    static String detail(int status, String method, String path, long maxBody) {
        return switch (status) {
            case 404 -> "no resource at " + path;
            case 405 -> method + " is not allowed on " + path;
            case 413 -> "the request body is larger than " + (maxBody > 0 ? maxBody + " bytes" : "the limit")
                    + " (caravan.ingest.max-body-bytes)";
            case 500 -> "the request could not be processed; see the server log";
            default -> "the request was rejected";
        };
    }

    private static void answer(RoutingContext ctx, int status, String title, long maxBody) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        if (status == 500 && ctx.failure() != null) {
            LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ctx.failure().toString());
        }
        String path = ctx.request().path();
        String body = new Problem(status, title, detail(status, ctx.request().method().name(), path, maxBody), path).toJson();
        ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(body);
    }
}
