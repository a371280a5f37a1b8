package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;

/**
 * Turns a request body into records: one JSON object, a JSON array of objects (application/json), or one object per
 * line (application/x-ndjson). Says exactly where a body is broken; never more than the configured number of records.
 */
public final class RecordsParser {

    public static final String JSON = "application/json";
    public static final String NDJSON = "application/x-ndjson";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            // deeply nested bodies are rejected while parsing instead of costing stack and memory
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // 40.10 stays 40.10: values are passed on as sent
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final int maxRecords;

    public RecordsParser(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    /** 415 unless the body is JSON or NDJSON; checked before the body is read, whatever the server made of it. */
    public void checkMediaType(String contentType) {
        String type = mediaType(contentType);
        if (!JSON.equals(type) && !NDJSON.equals(type)) {
            throw new ProblemException(415, "Unsupported Media Type", "Content-Type must be " + JSON + " (one object or an"
                    + " array of objects) or " + NDJSON + " (one object per line), got "
                    + (contentType == null ? "none" : "'" + contentType + "'"));
        }
    }

    public List<JsonNode> parse(String contentType, byte[] body) {
        checkMediaType(contentType);
        String type = mediaType(contentType);
        if (body == null || body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw ProblemException.badRequest("the request body is empty; send at least one record");
        }
        List<JsonNode> records = NDJSON.equals(type) ? ndjson(body) : json(body);
        if (records.isEmpty()) {
            throw ProblemException.badRequest("the request holds no records");
        }
        return records;
    }

    private List<JsonNode> json(byte[] body) {
        JsonNode root = read(body, "the body");
        if (root.isObject()) {
            return List.of(root);
        }
        if (!root.isArray()) {
            throw new ProblemException(422, "Unprocessable Content",
                    "the body must be a JSON object or an array of objects, got a JSON " + type(root));
        }
        tooMany(root.size());
        List<JsonNode> records = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode r = root.get(i);
            if (!r.isObject()) {
                throw new ProblemException(422, "Unprocessable Content", "record " + i + " is a JSON " + type(r)
                        + ", not an object", List.of(ValidationError.of(i, "", "must be an object")), java.util.Map.of());
            }
            records.add(r);
        }
        return records;
    }

    private List<JsonNode> ndjson(byte[] body) {
        List<JsonNode> records = new ArrayList<>();
        int start = 0;
        int line = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                line++;
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (end > start && !isBlank(body, start, end)) {
                    tooMany(records.size() + 1);
                    byte[] one = java.util.Arrays.copyOfRange(body, start, end);
                    JsonNode r = read(one, "line " + line);
                    if (!r.isObject()) {
                        throw new ProblemException(422, "Unprocessable Content", "line " + line + " is a JSON " + type(r)
                                + ", not an object", List.of(ValidationError.of(records.size(), "", "must be an object")),
                                java.util.Map.of());
                    }
                    records.add(r);
                }
                start = i + 1;
            }
        }
        return records;
    }

    /** One JSON document (for envelopes such as REST Proxy's {"records":[...]}), with the same limits and messages. */
    public JsonNode parseDocument(byte[] body) {
        if (body == null || body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw ProblemException.badRequest("the request body is empty");
        }
        return read(body, "the body");
    }

    /** Fails with 413 when a request carries more records than allowed. */
    public void checkCount(int count) {
        tooMany(count);
    }

    private void tooMany(int count) {
        if (count > maxRecords) {
            throw new ProblemException(413, "Content Too Large", "a request may carry at most " + maxRecords
                    + " records (caravan.ingest.max-records)");
        }
    }

    private static JsonNode read(byte[] bytes, String what) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw ProblemException.badRequest(what + " holds no JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ProblemException.badRequest(what + " is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProblemException.badRequest(what + " cannot be read: " + e.getMessage());
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String type(JsonNode n) {
        return n.getNodeType().name().toLowerCase();
    }
}
