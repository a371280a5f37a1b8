package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import dev.caravan.api.Access;
import dev.caravan.api.ApiAccess;
import dev.caravan.api.EndpointTable;
import dev.caravan.testing.RunningCaravan;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTTP endpoint and the key it needs, as a table: the test fails when an endpoint is added, removed or changes
 * its access without this table saying so. Each endpoint is called without a key, with an ingest key and with an
 * admin key. Requests from another site may not change anything; the console page forbids framing.
 */
class AccessIT {

    /** The decision for every endpoint: method and path as the table shows them -> what it needs. */
    private static final Map<String, Access> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /api/v1/inbox", Access.INGEST),
            Map.entry("POST /api/v1/streams/{stream}", Access.INGEST),
            Map.entry("POST /topics/{topic}", Access.INGEST),
            Map.entry("POST /pin/", Access.INGEST),
            Map.entry("POST /geo/", Access.INGEST),
            Map.entry("POST /user/", Access.INGEST),
            Map.entry("GET /somedata/{text}", Access.INGEST),
            Map.entry("GET /footdata", Access.INGEST),
            Map.entry("GET /registry/schemas/ids/{id}", Access.INGEST),
            Map.entry("GET /registry/subjects", Access.INGEST),
            Map.entry("GET /registry/subjects/{subject}/versions", Access.INGEST),
            Map.entry("GET /registry/subjects/{subject}/versions/{version}", Access.INGEST),
            Map.entry("GET /registry/config", Access.INGEST),
            Map.entry("GET /registry/config/{subject}", Access.INGEST),
            Map.entry("GET /api/openapi.json", Access.OPEN),
            Map.entry("GET /api/v1/overview", Access.ADMIN),
            Map.entry("GET /api/v1/metrics", Access.ADMIN),
            Map.entry("GET /api/v1/metrics/{name}", Access.ADMIN),
            Map.entry("POST /api/v1/metrics/recompute", Access.ADMIN),
            Map.entry("POST /api/v1/dlq/{topic}/redrive", Access.ADMIN),
            Map.entry("POST /api/v1/lake/compact", Access.ADMIN),
            Map.entry("GET /api/v1/lake/reconcile", Access.ADMIN),
            Map.entry("GET /api/v1/pollers", Access.ADMIN),
            Map.entry("POST /api/v1/pollers/{name}/run", Access.ADMIN),
            Map.entry("GET /api/v1/operations/{id}", Access.ADMIN),
            Map.entry("GET /", Access.OPEN),
            Map.entry("GET /console/*", Access.OPEN),
            Map.entry("GET /observe/health/live", Access.OPEN),
            Map.entry("GET /observe/health/ready", Access.OPEN),
            Map.entry("* /observe/*", Access.OBSERVE)));

    private static final String INGEST = "ingest-key-0123456789abcdef";
    private static final String ADMIN = "admin-key-0123456789abcdef";
    private static final String OBSERVE = "observe-key-0123456789abcdef";

    @TempDir
    static Path data;
    static RunningCaravan app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = RunningCaravan.start(data, Map.of("caravan.ingest.api-keys", INGEST, "caravan.admin.api-keys", ADMIN,
                "caravan.observe.api-keys", OBSERVE));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void everyEndpointIsInTheTableWithTheKeyItNeeds() {
        EndpointTable table = app.context().getRegistry().lookupByNameAndType("apiAccess", ApiAccess.class).table();
        Map<String, Access> actual = new TreeMap<>();
        table.all().forEach(e -> actual.put(e.method() + " " + e.path(), e.access()));
        assertThat(actual).as("a new endpoint needs a decision here and a security key in its route file")
                .isEqualTo(EXPECTED);
        // every HTTP consumer outside the REST DSL is one of the fixed entries
        for (Route route : app.context().getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("platform-http:") && !route.isCreatedByRestDsl()) {
                String raw = "/" + java.net.URLDecoder.decode(uri.substring("platform-http:".length())
                        .replaceFirst("\\?.*", ""), java.nio.charset.StandardCharsets.UTF_8).replaceFirst("^/+", "");
                String path = raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
                assertThat(EXPECTED.keySet()).as(route.getRouteId() + " at " + path)
                        .anyMatch(k -> k.endsWith(" " + path) || k.endsWith(" " + path + "/")
                                || k.endsWith(" " + path + "/*"));
            }
        }
    }

    @Test
    void eachEndpointAnswersWithoutAKeyWithAnIngestKeyAndWithAnAdminKeyAsItsAccessSays() throws Exception {
        for (Map.Entry<String, Access> e : EXPECTED.entrySet()) {
            String method = e.getKey().substring(0, e.getKey().indexOf(' '));
            String path = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x")
                    .replace("/*", "/caravan-probe").replace("/observe/caravan-probe", "/observe/metrics");
            method = method.equals("*") ? "GET" : method;
            if (path.equals("/api/v1/lake/compact")) {
                path += "?topics=nothing-here";
            }
            int none = call(method, path, null);
            int ingest = call(method, path, INGEST);
            int observe = call(method, path, OBSERVE);
            int admin = call(method, path, ADMIN);
            String what = e.getKey() + " (" + e.getValue() + ")";
            switch (e.getValue()) {
                case OPEN -> assertThat(new int[] {none, ingest, admin}).as(what).doesNotContain(401, 403);
                case INGEST -> {
                    assertThat(none).as(what + " without a key").isEqualTo(401);
                    assertThat(observe).as(what + " with an observe key").isEqualTo(403);
                    assertThat(new int[] {ingest, admin}).as(what + " with a key").doesNotContain(401, 403);
                }
                case OBSERVE -> {
                    assertThat(none).as(what + " without a key").isEqualTo(401);
                    assertThat(ingest).as(what + " with an ingest key").isEqualTo(403);
                    assertThat(new int[] {observe, admin}).as(what + " with a key").doesNotContain(401, 403);
                }
                case ADMIN -> {
                    assertThat(none).as(what + " without a key").isEqualTo(401);
                    assertThat(new int[] {ingest, observe}).as(what + " with an ingest or observe key")
                            .containsOnly(403);
                    assertThat(admin).as(what + " with an admin key").isNotIn(401, 403);
                }
            }
        }
        assertThat(call("GET", "/nowhere", null)).as("unknown paths need a key too").isEqualTo(401);
        assertThat(call("GET", "/nowhere", ADMIN)).isEqualTo(404);
    }

    @Test
    void aRequestFromAnotherSiteMayNotChangeAnything() throws Exception {
        HttpResponse<String> crossSite = http.send(request("POST", "/api/v1/lake/compact?topics=x", ADMIN)
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> fetchMetadata = http.send(request("POST", "/api/v1/lake/compact?topics=x", ADMIN)
                .header("Sec-Fetch-Site", "cross-site").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fetchMetadata.statusCode()).isEqualTo(403);
        String self = app.http("").toString().replaceFirst("/$", "");
        HttpResponse<String> sameOrigin = http.send(request("POST", "/api/v1/lake/compact?topics=x", ADMIN)
                .header("Origin", self).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
    }

    @Test
    void theConsolePageForbidsFramingAndForeignScripts() throws Exception {
        HttpResponse<String> page = http.send(request("GET", "/", null).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    private int call(String method, String path, String key) throws Exception {
        return http.send(request(method, path, key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpRequest.Builder request(String method, String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.http(path)).timeout(Duration.ofSeconds(60))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return b;
    }
}
