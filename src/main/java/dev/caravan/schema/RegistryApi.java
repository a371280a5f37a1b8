package dev.caravan.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.OrderedMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Answers the Confluent Schema Registry read calls (schemas by id, subjects, versions, compatibility) from the
 * registry in use, with Confluent's status codes and error bodies ({"error_code":40403,"message":...}), which
 * registry clients recognise.
 */
public final class RegistryApi {

    public static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile(
            ".*?/(schemas/ids/(?<id>[^/]+)|subjects(/(?<subject>[^/]+)/versions(/(?<version>[^/]+))?)?"
                    + "|config(/(?<config>[^/]+))?)/?");

    private final SchemaRegistry registry;

    public RegistryApi(SchemaRegistry registry) {
        this.registry = registry;
    }

    public void answer(Exchange exchange) {
        Message m = exchange.getMessage();
        String path = m.getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null || path.isEmpty()) {
            path = m.getHeader(Exchange.HTTP_URI, String.class);
        }
        int query = path == null ? -1 : path.indexOf('?');
        Matcher p = PATH.matcher(query < 0 ? String.valueOf(path) : path.substring(0, query));
        Object body;
        int status = 200;
        try {
            if (!p.matches()) {
                throw new Failure(404, 404, "Not found: " + path);
            }
            body = p.group("id") != null ? schema(p.group("id"))
                    : p.group("version") != null ? version(decode(p.group("subject")), p.group("version"))
                    : p.group("subject") != null ? versions(decode(p.group("subject")))
                    : p.group(0).contains("config") ? config(p.group("config") == null ? null : decode(p.group("config")))
                    : registry.subjects();
        } catch (Failure f) {
            status = f.status;
            body = error(f.code, f.getMessage());
        } catch (SchemaRegistryException e) {
            status = 503;
            body = error(50003, "the registry cannot be read: " + e.getMessage());
        }
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, MEDIA_TYPE);
        try {
            m.setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object schema(String idText) {
        int id = number(idText, 40403, "Schema " + idText + " not found");
        org.apache.avro.Schema s = registry.byId(id);
        if (s == null) {
            throw new Failure(404, 40403, "Schema " + id + " not found");
        }
        return Map.of("schema", s.toString());
    }

    private Object versions(String subject) {
        var versions = registry.versions(subject);
        if (versions.isEmpty()) {
            throw new Failure(404, 40401, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private Object version(String subject, String versionText) {
        int version = versionText.equals("latest") ? -1 : number(versionText, 42202,
                "The specified version '" + versionText + "' is not a valid version id. Allowed values are between"
                        + " [1, 2^31-1] and the string \"latest\"");
        if (registry.versions(subject).isEmpty()) {
            throw new Failure(404, 40401, "Subject '" + subject + "' not found.");
        }
        SchemaRegistry.Registered r = registry.version(subject, version);
        if (r == null) {
            throw new Failure(404, 40402, "Version " + versionText + " not found.");
        }
        Map<String, Object> out = OrderedMap.of("subject", r.subject(), "version", r.version(), "id", r.id(),
                "schema", r.schema().toString());
        return out;
    }

    private Object config(String subject) {
        return Map.of("compatibilityLevel", (subject == null ? registry.defaultCompatibility()
                : registry.compatibility(subject)).name());
    }

    private static int number(String text, int code, String message) {
        try {
            int n = Integer.parseInt(text);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Failure(code == 40403 ? 404 : 422, code, message);
        }
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, Object> error(int code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error_code", code);
        e.put("message", message);
        return e;
    }

    private static final class Failure extends RuntimeException {
        private final int status;
        private final int code;

        Failure(int status, int code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
