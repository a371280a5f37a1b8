package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a small in-process registry that answers like Confluent's, basic auth and all. */
class RemoteSchemaRegistryTest {

    private static final String USER = "caravan";
    private static final String PASSWORD = "pw-s3cret-42";
    private static final String PREFIX = "/apis/ccompat/v7";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final Schema V1 = SchemaBuilder.record("Order").namespace("dev.caravan.test").fields()
            .requiredLong("id").endRecord();
    private static final Schema V2 = SchemaBuilder.record("Order").namespace("dev.caravan.test").fields()
            .requiredLong("id").optionalString("note").endRecord();
    private static final Schema INCOMPATIBLE = SchemaBuilder.record("IncompatibleOrder").fields()
            .requiredString("id").endRecord();

    private static final FakeRegistry FAKE = new FakeRegistry();
    private static HttpServer server;
    private static String url;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String root : List.of("/subjects", "/schemas", "/config")) {
            server.createContext(root, exchange -> FAKE.handle(exchange, ""));
        }
        server.createContext(PREFIX + "/", exchange -> FAKE.handle(exchange, PREFIX));
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void emptyRegistry() {
        FAKE.reset();
    }

    private static RemoteSchemaRegistry client(String baseUrl) {
        return new RemoteSchemaRegistry(baseUrl, USER, PASSWORD, TIMEOUT);
    }

    @Test
    void registersOnceAndFindsTheSchemaById() {
        RemoteSchemaRegistry registry = client(url + "/");
        int id = registry.register("orders-value", V1);

        assertThat(registry.register("orders-value", V1)).isEqualTo(id);
        assertThat(FAKE.count("POST /subjects/orders-value/versions")).isEqualTo(1);
        assertThat(FAKE.lastContentType).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(registry.register("orders-value", V2)).isNotEqualTo(id);
        // a fresh client has no cache, so this goes over the wire and back
        RemoteSchemaRegistry other = client(url);
        assertThat(other.byId(id)).isEqualTo(V1);
        assertThat(other.byId(id)).isEqualTo(V1);
        assertThat(FAKE.count("GET /schemas/ids/" + id)).isEqualTo(1);
        // the registry, not the cache, knows the schema already
        assertThat(other.register("orders-value", V1)).isEqualTo(id);
    }

    @Test
    void listsSubjectsAndVersionsAsRegistered() {
        RemoteSchemaRegistry registry = client(url);
        int id1 = registry.register("orders-value", V1);
        int id2 = registry.register("orders-value", V2);
        registry.register("pins-value", V1);
        // a subject that needs encoding in a URL path
        registry.register("odd subject/with+chars-value", V2);

        assertThat(registry.subjects()).containsExactly("odd subject/with+chars-value", "orders-value", "pins-value");
        assertThat(registry.versions("orders-value")).containsExactly(1, 2);
        assertThat(registry.versions("odd subject/with+chars-value")).containsExactly(1);
        assertThat(registry.version("orders-value", -1))
                .isEqualTo(new SchemaRegistry.Registered("orders-value", 2, id2, V2));
        assertThat(registry.version("orders-value", 1))
                .isEqualTo(new SchemaRegistry.Registered("orders-value", 1, id1, V1));
        assertThat(FAKE.count("GET /subjects/orders-value/versions/latest")).isEqualTo(1);
        assertThat(registry.version("orders-value", 3)).isNull();
        assertThat(registry.versions("unknown-value")).isEmpty();
        assertThat(registry.version("unknown-value", -1)).isNull();
    }

    @Test
    void anUnknownIdIsNullAndAskedAgainNextTime() {
        RemoteSchemaRegistry registry = client(url);

        assertThat(registry.byId(999)).isNull();
        assertThat(registry.byId(999)).isNull();
        assertThat(FAKE.count("GET /schemas/ids/999")).isEqualTo(2);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithTheRegistrysReason() {
        RemoteSchemaRegistry registry = client(url);
        registry.register("orders-value", V1);

        assertThatThrownBy(() -> registry.register("orders-value", INCOMPATIBLE))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("orders-value")
                .hasMessageContaining("Schema being registered is incompatible with an earlier schema");
        assertThat(registry.versions("orders-value")).containsExactly(1);
    }

    @Test
    void refusedCredentialsSayAuthenticationAndNeverThePassword() {
        RemoteSchemaRegistry wrong = new RemoteSchemaRegistry(url, USER, "wrong-" + PASSWORD, TIMEOUT);
        RemoteSchemaRegistry none = new RemoteSchemaRegistry(url, null, "", TIMEOUT);

        assertThatThrownBy(wrong::subjects).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("authentication").doesNotContain(PASSWORD)
                    .doesNotContain(Base64.getEncoder().encodeToString((USER + ":wrong-" + PASSWORD).getBytes()));
        });
        assertThatThrownBy(() -> none.register("orders-value", V1))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("no user");
        assertThat(FAKE.count("GET /subjects")).isEqualTo(1);
    }

    @Test
    void credentialsInTheUrlAreUsedButNeverShown() {
        RemoteSchemaRegistry registry = new RemoteSchemaRegistry(
                url.replace("://", "://" + USER + ":" + PASSWORD + "@") + "/", null, null, TIMEOUT);

        assertThat(registry.subjects()).isEmpty();
        assertThat(registry.describe()).isEqualTo("schema registry at " + url).doesNotContain(PASSWORD);
    }

    @Test
    void aRegistryThatIsDownFailsWithStatusZero() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RemoteSchemaRegistry registry = client("http://127.0.0.1:" + port);

        assertThatThrownBy(() -> registry.register("orders-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("/subjects/orders-value/versions").doesNotContain(PASSWORD);
                });
    }

    @Test
    void aBaseUrlWithAPathIsKept() {
        RemoteSchemaRegistry registry = client(url + PREFIX + "/");
        int id = registry.register("orders-value", V1);

        assertThat(FAKE.count("POST " + PREFIX + "/subjects/orders-value/versions")).isEqualTo(1);
        assertThat(client(url + PREFIX).byId(id)).isEqualTo(V1);
        assertThat(registry.versions("orders-value")).containsExactly(1);
        assertThat(registry.describe()).isEqualTo("schema registry at " + url + PREFIX);
        // a wrong path must fail loudly rather than look like an empty registry
        assertThatThrownBy(() -> client(url + "/apis/wrong").versions("orders-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void compatibilityFallsBackFromSubjectToGlobalToDefault() {
        RemoteSchemaRegistry registry = client(url);
        FAKE.subjectLevels.put("orders-value", "FULL_TRANSITIVE");
        FAKE.globalLevel = "FORWARD";

        assertThat(registry.compatibility("orders-value")).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThat(registry.compatibility("pins-value")).isEqualTo(Compatibility.FORWARD);
        assertThat(FAKE.count("GET /config")).isEqualTo(1);
        FAKE.globalLevel = null;
        assertThat(registry.compatibility("pins-value")).isEqualTo(Compatibility.DEFAULT);
    }

    /** Subjects, versions and ids like Confluent's registry: ids shared by equal schemas, one version per schema. */
    private static final class FakeRegistry {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final String AUTHORIZATION = "Basic "
                + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

        private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
        private final Map<String, List<Integer>> subjects = new TreeMap<>();
        private final Map<String, Integer> idsByCanonical = new HashMap<>();
        private final Map<Integer, String> schemasById = new HashMap<>();
        final Map<String, String> subjectLevels = new ConcurrentHashMap<>();
        volatile String globalLevel;
        volatile String lastContentType;

        synchronized void reset() {
            requests.clear();
            subjects.clear();
            idsByCanonical.clear();
            schemasById.clear();
            subjectLevels.clear();
            globalLevel = "BACKWARD";
            lastContentType = null;
        }

        int count(String request) {
            AtomicInteger n = requests.get(request);
            return n == null ? 0 : n.get();
        }

        synchronized void handle(HttpExchange exchange, String prefix) throws IOException {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            requests.computeIfAbsent(method + " " + rawPath, k -> new AtomicInteger()).incrementAndGet();
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!AUTHORIZATION.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    answer(exchange, 401, error(401, "Unauthorized"));
                    return;
                }
                if ("POST".equals(method)) {
                    lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
                }
                String[] path = Arrays.stream(rawPath.substring(prefix.length() + 1).split("/"))
                        .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
                        .toArray(String[]::new);
                Reply reply = route(method, path, body);
                answer(exchange, reply.status(), reply.body());
            }
        }

        private Reply route(String method, String[] p, String body) throws IOException {
            String route = method + " " + p[0] + "/" + p.length;
            switch (route) {
                case "GET subjects/1":
                    return ok(List.copyOf(subjects.keySet()));
                case "POST subjects/3":
                    return register(p[1], JSON.readTree(body).path("schema").asText());
                case "GET subjects/3":
                    return subjects.containsKey(p[1]) ? ok(versionNumbers(p[1])) : subjectNotFound();
                case "GET subjects/4":
                    return version(p[1], p[3]);
                case "GET schemas/3":
                    String schema = schemasById.get(Integer.parseInt(p[2]));
                    return schema == null ? new Reply(404, error(40403, "Schema not found"))
                            : ok(Map.of("schema", schema));
                case "GET config/2":
                    String level = subjectLevels.get(p[1]);
                    return level == null ? new Reply(404, error(40408, "Subject '" + p[1]
                            + "' does not have subject-level compatibility configured"))
                            : ok(Map.of("compatibilityLevel", level));
                case "GET config/1":
                    return globalLevel == null ? new Reply(404, error(404, "HTTP 404 Not Found"))
                            : ok(Map.of("compatibilityLevel", globalLevel));
                default:
                    return new Reply(404, error(404, "HTTP 404 Not Found"));
            }
        }

        private Reply register(String subject, String text) {
            Schema schema = new Schema.Parser().parse(text);
            if (schema.getName().contains("Incompatible")) {
                return new Reply(409, error(409, "Schema being registered is incompatible with an earlier schema"
                        + " for subject \"" + subject + "\""));
            }
            int id = idsByCanonical.computeIfAbsent(SchemaIds.canonical(schema), c -> idsByCanonical.size() + 1);
            schemasById.putIfAbsent(id, text);
            List<Integer> ids = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!ids.contains(id)) {
                ids.add(id);
            }
            return ok(Map.of("id", id));
        }

        private Reply version(String subject, String version) {
            List<Integer> ids = subjects.get(subject);
            if (ids == null) {
                return subjectNotFound();
            }
            int v = "latest".equals(version) ? ids.size() : Integer.parseInt(version);
            if (v < 1 || v > ids.size()) {
                return new Reply(404, error(40402, "Version " + version + " not found."));
            }
            int id = ids.get(v - 1);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("subject", subject);
            answer.put("version", v);
            answer.put("id", id);
            answer.put("schema", schemasById.get(id));
            return ok(answer);
        }

        private List<Integer> versionNumbers(String subject) {
            List<Integer> versions = new ArrayList<>();
            for (int v = 1; v <= subjects.get(subject).size(); v++) {
                versions.add(v);
            }
            return versions;
        }

        private static Reply subjectNotFound() {
            return new Reply(404, error(40401, "Subject not found."));
        }

        private static Reply ok(Object body) {
            return new Reply(200, body);
        }

        private static Map<String, Object> error(int code, String message) {
            return Map.of("error_code", code, "message", message);
        }

        /** A status and what goes as JSON in the body. */
        private record Reply(int status, Object body) {
        }

        private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
