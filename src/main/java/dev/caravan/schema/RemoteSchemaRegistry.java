package dev.caravan.schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A {@link SchemaRegistry} speaking the Confluent Schema Registry REST API, in the subset Confluent, Apicurio (ccompat),
 * Redpanda and Karapace all serve, so the ids in our records resolve in any Confluent deserializer. The registry runs
 * the compatibility check itself; registrations and schemas by id are cached because the registry never changes them.
 */
public final class RemoteSchemaRegistry implements SchemaRegistry {

    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * A client of the registry at baseUrl (which may carry a path, such as Apicurio's /apis/ccompat/v7), using basic
     * auth when user is set, else the URL's userinfo if any. The timeout bounds connecting and each request.
     */
    public RemoteSchemaRegistry(String baseUrl, String user, String password, Duration timeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        URI uri = parse(baseUrl);
        String userInfo = uri.getRawUserInfo();
        String base = uri.toString();
        if (userInfo != null) {
            // credentials go in the header, never in a URL that ends up in logs
            base = base.replaceFirst(Pattern.quote(userInfo + "@"), "");
        }
        this.baseUrl = base.replaceAll("/+$", "");
        this.authorization = authorization(user, password, userInfo);
        // HTTP/1.1: the default h2c upgrade attempt trips some proxies in front of registries
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        // the canonical form is what the id stands for, so formatting or docs alone need not ask again
        String key = subject + '\u0000' + SchemaIds.canonical(schema);
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + segment(subject) + "/versions";
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        Answer answer = send("POST", path, body);
        if (answer.status() == 409) {
            throw new IncompatibleSchemaException("subject '" + subject + "' refused schema " + schema.getFullName()
                    + " as incompatible (" + describe() + ")" + answer.registryMessage());
        }
        if (answer.status() == 422) {
            throw new SchemaRegistryException(describe() + " refused schema " + schema.getFullName()
                    + " for subject '" + subject + "' as invalid" + answer.registryMessage(), 422);
        }
        int id = intField(answer.ok(), "id", answer);
        schemasById.putIfAbsent(id, schema);
        idsBySubjectAndSchema.put(key, id);
        return id;
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Answer answer = send("GET", "/schemas/ids/" + id, null);
        if (answer.notFound() || answer.refusesId()) {
            // not cached: the id may be registered by another producer a moment later
            return null;
        }
        JsonNode json = answer.ok();
        try {
            return remember(id, avro(json, answer));
        } catch (SchemaRegistryException notAvro) {
            // the registry answered, and the id is a JSON Schema, a Protobuf schema or unreadable: the record is the
            // problem, not the registry (a dead letter, never a retry)
            throw new WireFormatException("schema id " + id + ": " + notAvro.getMessage(), notAvro);
        }
    }

    @Override
    public List<String> subjects() {
        return sorted(send("GET", "/subjects", null), JsonNode::asText);
    }

    @Override
    public List<Integer> versions(String subject) {
        Answer answer = send("GET", "/subjects/" + segment(subject) + "/versions", null);
        if (answer.notFound()) {
            return List.of();
        }
        return sorted(answer, JsonNode::asInt);
    }

    @Override
    public Registered version(String subject, int version) {
        String v = version == -1 ? "latest" : Integer.toString(version);
        Answer answer = send("GET", "/subjects/" + segment(subject) + "/versions/" + v, null);
        if (answer.notFound()) {
            return null;
        }
        JsonNode json = answer.ok();
        int id = intField(json, "id", answer);
        Schema schema = remember(id, avro(json, answer));
        return new Registered(json.path("subject").asText(subject), intField(json, "version", answer), id, schema);
    }

    @Override
    public Compatibility compatibility(String subject) {
        Compatibility level = config("/config/" + segment(subject));
        if (level == null) {
            // Confluent answers 404 (40408) for a subject without its own level; the global one applies then
            level = config("/config");
        }
        return level == null ? Compatibility.DEFAULT : level;
    }

    @Override
    public Compatibility defaultCompatibility() {
        Compatibility level = config("/config");
        return level == null ? Compatibility.DEFAULT : level;
    }

    @Override
    public String describe() {
        return "schema registry at " + baseUrl;
    }

    @Override
    public String toString() {
        return describe();
    }

    private Compatibility config(String path) {
        Answer answer = send("GET", path, null);
        if (answer.status() == 404) {
            // any 404 here: not every registry serves per-subject or global config
            return null;
        }
        JsonNode json = answer.ok();
        String level = json.path("compatibilityLevel").asText(json.path("compatibility").asText(null));
        try {
            return level == null ? null : Compatibility.of(level);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Schema remember(int id, Schema schema) {
        // one instance per id, whoever asked first
        Schema prior = schemasById.putIfAbsent(id, schema);
        return prior == null ? schema : prior;
    }

    private Schema avro(JsonNode json, Answer answer) {
        String type = json.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw answer.failure("answered a " + type + " schema where an Avro one was expected");
        }
        JsonNode text = json.get("schema");
        if (text == null || !text.isTextual()) {
            throw answer.failure("answered without a schema");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(answer.prefix() + " answered a schema Avro cannot parse: "
                    + e.getMessage(), answer.status(), e);
        }
    }

    private static int intField(JsonNode json, String field, Answer answer) {
        JsonNode value = json.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw answer.failure("answered without an int '" + field + "'");
        }
        return value.asInt();
    }

    /** The answer's JSON array, each item read so, in natural order. */
    private static <T extends Comparable<T>> List<T> sorted(Answer answer, Function<JsonNode, T> item) {
        JsonNode json = answer.ok();
        if (!json.isArray()) {
            throw answer.failure("answered " + json.getNodeType() + " where a JSON array was expected");
        }
        List<T> items = new ArrayList<>();
        json.forEach(n -> items.add(item.apply(n)));
        items.sort(null);
        return List.copyOf(items);
    }

    private Answer send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", ACCEPT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new SchemaRegistryException(describe() + " did not answer " + method + " " + path + " within "
                    + timeout.toMillis() + " ms", 0, e);
        } catch (IOException e) {
            throw new SchemaRegistryException(describe() + " could not be reached for " + method + " " + path + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted waiting for " + describe() + " to answer " + method + " "
                    + path, 0, e);
        }
        Answer answer = new Answer(describe(), method, path, response.statusCode(), json(response.body()));
        if (answer.status() == 401 || answer.status() == 403) {
            throw new SchemaRegistryException(describe() + " refused authentication (" + answer.status() + ") for "
                    + method + " " + path + (authorization == null ? " and no user is configured"
                    : "; check the user and password") + answer.registryMessage(), answer.status());
        }
        return answer;
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // a proxy's HTML error page, say: the status tells enough
            return null;
        }
    }

    /** A path segment: URLEncoder writes form encoding, where a space is +, which a path keeps as a plus. */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI parse(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl.trim());
        } catch (IllegalArgumentException e) {
            // not e.getMessage(): it quotes the URL, password and all
            throw new IllegalArgumentException("the schema registry URL is not a valid URL");
        }
        if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme())
                || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("the schema registry URL needs http:// or https:// and a host");
        }
        return uri;
    }

    private static String authorization(String user, String password, String userInfo) {
        if (user == null || user.isEmpty()) {
            if (userInfo == null || userInfo.isEmpty()) {
                return null;
            }
            int colon = userInfo.indexOf(':');
            user = URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), StandardCharsets.UTF_8);
            password = colon < 0 ? "" : URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
        }
        String pair = user + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** One answer of the registry, with the JSON body when it had one. */
    private record Answer(String registry, String method, String path, int status, JsonNode json) {

        /**
         * A 4xx about the id itself (an id out of range from random bytes, say): no such schema. Authentication,
         * timeouts and throttling are not the id's fault.
         */
        boolean refusesId() {
            return status >= 400 && status < 500 && status != 401 && status != 403 && status != 404 && status != 408
                    && status != 429 && json != null && json.isObject();
        }

        /** A 404 from the registry itself: a JSON error, not a web server's page for a wrong base path. */
        boolean notFound() {
            return status == 404 && json != null && json.isObject();
        }

        /** The JSON body of a 2xx answer, else the failure. */
        JsonNode ok() {
            if (status < 200 || status > 299) {
                String hint = status == 404 && !notFound() ? " (not a registry's answer: is the URL's path right?)" : "";
                throw new SchemaRegistryException(prefix() + " answered " + status + hint + registryMessage(), status);
            }
            if (json == null) {
                throw failure("answered " + status + " without a JSON body");
            }
            return json;
        }

        SchemaRegistryException failure(String what) {
            return new SchemaRegistryException(prefix() + " " + what, status);
        }

        String prefix() {
            return registry + ": " + method + " " + path;
        }

        /** The registry's own explanation, when it gave one. */
        String registryMessage() {
            JsonNode message = json == null ? null : json.get("message");
            return message == null || message.isNull() ? "" : ": " + message.asText();
        }
    }
}
