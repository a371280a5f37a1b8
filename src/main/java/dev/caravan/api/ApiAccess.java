package dev.caravan.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

import dev.caravan.settings.HttpSettings;
import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.Settings;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gate of the HTTP server, in front of every route and of Camel's health and metrics: it is installed as the
 * server's authentication handler before the server starts, so no request is ever served without it. Once any key
 * is configured, each request needs the key its endpoint declares ({@link EndpointTable}): an ingest key for writing
 * records, an observe key for health details and metrics (what a Prometheus scrape needs and nothing more), an admin
 * key for the rest (an admin key opens everything), none for liveness, readiness, the OpenAPI document and the
 * console's page. A key comes as {@code X-API-Key}, {@code Authorization: Bearer}, or as the
 * password of {@code Authorization: Basic} (Prometheus, schema-registry clients). Independent of keys, a request that
 * changes something is refused when a browser says it comes from another site (a form or script on a page elsewhere
 * posting to an operator's Caravan).
 */
public final class ApiAccess extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApiAccess.class);
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private ApiKeys ingest;
    private ApiKeys observe;
    private ApiKeys admin;
    private EndpointTable table;

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Settings settings = new Settings(context);
        ingest = new ApiKeys(settings.get(IngestSettings.API_KEYS), IngestSettings.API_KEYS.key());
        observe = new ApiKeys(settings.get(HttpSettings.OBSERVE_API_KEYS), HttpSettings.OBSERVE_API_KEYS.key());
        admin = new ApiKeys(settings.get(HttpSettings.ADMIN_API_KEYS), HttpSettings.ADMIN_API_KEYS.key());
        table = new EndpointTable(context);
        context.getRegistry().bind("apiAccess", this);
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            LOG.warn("No HTTP server: nothing to guard");
            return;
        }
        AuthenticationConfig.AuthenticationConfigEntry gate = new AuthenticationConfig.AuthenticationConfigEntry();
        gate.setPath("/*");
        gate.setAuthenticationProviderFactory(vertx -> null);
        gate.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return ApiAccess.this::handle;
            }
        });
        AuthenticationConfig auth = server.getConfiguration().getAuthenticationConfig();
        auth.getEntries().add(gate);
        auth.setEnabled(true);
    }

    /** True once any key is configured (then every endpoint but the open ones needs one). */
    public boolean keysRequired() {
        return !ingest.isOpen() || !observe.isOpen() || !admin.isOpen();
    }

    /** How many keys open this level (the start-up banner says so). */
    public int keyCount(Access level) {
        return switch (level) {
            case OPEN -> 0;
            case INGEST -> ingest.count();
            case OBSERVE -> observe.count();
            case ADMIN -> admin.count();
        };
    }

    public EndpointTable table() {
        return table;
    }

    void handle(RoutingContext ctx) {
        String method = ctx.request().method().name();
        String path = ctx.normalizedPath();
        if (!SAFE.contains(method) && crossSite(ctx)) {
            refuse(ctx, 403, "Forbidden", "a request from another site may not change anything here");
            return;
        }
        if (!keysRequired()) {
            ctx.next();
            return;
        }
        Access need = table.need(method, path);
        if (need == Access.OPEN) {
            ctx.next();
            return;
        }
        String key = presented(ctx);
        if (key == null) {
            refuse(ctx, 401, "Unauthorized", "an API key is required: send 'X-API-Key: KEY' or "
                    + "'Authorization: Bearer KEY'");
        } else if (admin.matches(key) || (need == Access.INGEST && ingest.matches(key))
                || (need == Access.OBSERVE && observe.matches(key))) {
            ctx.next();
        } else if (ingest.matches(key) || observe.matches(key)) {
            refuse(ctx, 403, "Forbidden", method + " " + path + " needs "
                    + (need == Access.OBSERVE ? "an observe or an admin key" : "an admin key (caravan.admin.api-keys)"));
        } else {
            refuse(ctx, 401, "Unauthorized", "the API key is not valid");
        }
    }

    /** A browser's word that the request comes from another site: Sec-Fetch-Site, or an Origin that is not this host. */
    static boolean crossSite(RoutingContext ctx) {
        String site = ctx.request().getHeader("Sec-Fetch-Site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return true;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin == null || origin.equals("null") && site == null) {
            return origin != null; // "null": a sandboxed or file page
        }
        String host = ctx.request().getHeader("X-Forwarded-Host");
        if (host == null && ctx.request().authority() != null) {
            // Host of HTTP/1.1, :authority of HTTP/2
            var authority = ctx.request().authority();
            host = authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
        }
        String originHost = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "").replaceFirst("/.*$", "");
        return host == null || !originHost.equalsIgnoreCase(host.trim());
    }

    static String presented(RoutingContext ctx) {
        String key = ctx.request().getHeader("X-API-Key");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization == null) {
            return null;
        }
        String lower = authorization.toLowerCase(Locale.ROOT);
        if (lower.startsWith("bearer ")) {
            return authorization.substring(7).trim();
        }
        if (lower.startsWith("basic ")) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        return null;
    }

    private static void refuse(RoutingContext ctx, int status, String title, String detail) {
        var response = ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"caravan\"");
        }
        response.end(new Problem(status, title, detail, ctx.normalizedPath()).toJson());
    }
}
