package dev.caravan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
import dev.caravan.schema.SchemaIds;
import org.apache.avro.Schema;

/**
 * A local stand-in for a Confluent-compatible schema registry, speaking the REST subset Caravan uses: subjects,
 * versions and ids like Confluent's (ids shared by equal schemas, one version per schema), basic auth, 409 for a
 * record named *Incompatible*, and an outage switch.
 */
public final class FakeSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String PREFIX = "/apis/ccompat/v7";

    private final String authorization;
    private final HttpServer server;

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> subjects = new TreeMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    public final Map<String, String> subjectLevels = new ConcurrentHashMap<>();
    public volatile String globalLevel = "BACKWARD";
    public volatile String lastContentType;

    /** Serves at the root and under {@link #PREFIX} on a free loopback port; requests need basic auth user:password. */
    public FakeSchemaRegistry(String user, String password) throws IOException {
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String root : List.of("/subjects", "/schemas", "/config")) {
            server.createContext(root, exchange -> handle(exchange, ""));
        }
        server.createContext(PREFIX + "/", exchange -> handle(exchange, PREFIX));
        server.start();
    }

    /** http://127.0.0.1:PORT */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers a schema as another producer would, straight into the registry. */
    public synchronized int register(String subject, Schema schema) {
        return (Integer) ((Map<?, ?>) register(subject, schema.toString()).body()).get("id");
    }

    /** While unavailable, every request is answered 503, as a registry that lost its Kafka store does. */
    public volatile boolean unavailable;

    private final Map<Integer, String> foreignTypes = new ConcurrentHashMap<>();

    /** An id holding a schema of another kind (JSON, PROTOBUF), as a registry shared with other serializers has. */
    public void registerForeign(int id, String schemaType) {
        foreignTypes.put(id, schemaType);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public synchronized void reset() {
        requests.clear();
        subjects.clear();
        idsByCanonical.clear();
        schemasById.clear();
        subjectLevels.clear();
        globalLevel = "BACKWARD";
        lastContentType = null;
    }

    public int count(String request) {
        AtomicInteger n = requests.get(request);
        return n == null ? 0 : n.get();
    }

    private synchronized void handle(HttpExchange exchange, String prefix) throws IOException {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        requests.computeIfAbsent(method + " " + rawPath, k -> new AtomicInteger()).incrementAndGet();
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (unavailable) {
                answer(exchange, 503, error(50003, "Error while forwarding the request to the primary"));
                return;
            }
            if (!authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
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
                int id;
                try {
                    id = Integer.parseInt(p[2]);
                } catch (NumberFormatException e) {
                    return new Reply(422, error(42202, "Invalid schema id " + p[2]));
                }
                String foreign = foreignTypes.get(id);
                if (foreign != null) {
                    return ok(Map.of("schemaType", foreign, "schema", "{\"type\":\"object\"}"));
                }
                String schema = schemasById.get(id);
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
