package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.OrderedMap;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Confluent REST Proxy v2's produce call, POST /topics/{topic} with application/vnd.kafka.json.v2+json, so clients
 * written for REST Proxy (or an API gateway in front of it) post to Caravan unchanged. Only topics of declared streams
 * are accepted, and their records are validated like every other ingest.
 */
public record RestProxyV2(Streams streams, RecordsParser parser, RecordEncoder encoder) {

    public static final String REQUEST_TYPE = "application/vnd.kafka.json.v2+json";
    public static final String RESPONSE_TYPE = "application/vnd.kafka.v2+json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** 404 for a topic of no stream, 415 for another embedded format; checked before the body is read. */
    public void checkRequest(String topic, String contentType) {
        if (streams.byTopic(topic) == null) {
            throw new ProblemException(404, "Not Found", "Topic not found.");
        }
        String type = RecordsParser.mediaType(contentType);
        if (!REQUEST_TYPE.equals(type)) {
            throw new ProblemException(415, "Unsupported Media Type", "HTTP 415 Unsupported Media Type: send "
                    + REQUEST_TYPE + " (the JSON embedded format), got " + (contentType == null ? "none" : contentType));
        }
    }

    public IngestBatch prepare(String topic, String contentType, byte[] body) {
        checkRequest(topic, contentType);
        StreamDefinition stream = streams.byTopic(topic);
        JsonNode envelope = parser.parseDocument(body);
        JsonNode records = envelope.get("records");
        if (!envelope.isObject() || records == null || !records.isArray() || records.isEmpty()) {
            throw new ProblemException(422, "Unprocessable Content", "the body must be {\"records\":[{\"key\":...,"
                    + "\"value\":{...}}, ...]} with at least one record");
        }
        parser.checkCount(records.size());
        List<JsonNode> values = new ArrayList<>(records.size());
        List<Map<String, Object>> errors = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            JsonNode value = r.get("value");
            if (!r.isObject() || value == null || !value.isObject()) {
                errors.add(ValidationError.of(i, "/records/" + i + "/value", "each record needs a JSON object value"));
            } else if (r.hasNonNull("partition")) {
                errors.add(ValidationError.of(i, "/records/" + i + "/partition",
                        "choosing the partition is not supported: Caravan partitions by key"));
            }
            values.add(value);
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "Unprocessable Content", errors.size() + " record(s) malformed; nothing was "
                    + "published", errors, Map.of());
        }
        return encoder.batch(stream, values, i -> {
            JsonNode key = records.get(i).get("key");
            return key == null || key.isNull() ? SchemaCheck.key(stream, values.get(i))
                    : key.isTextual() ? key.asText() : write(key);
        });
    }

    /** {"key_schema_id":null,"value_schema_id":null,"offsets":[{"partition","offset","error_code":null,"error":null}]} */
    public String answer(List<RecordMetadata> metadata) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("key_schema_id", null);
        answer.put("value_schema_id", null);
        List<Map<String, Object>> offsets = new ArrayList<>(metadata.size());
        for (RecordMetadata m : metadata) {
            Map<String, Object> o = OrderedMap.of("partition", m.partition(), "offset", m.offset(), "error_code", null,
                    "error", null);
            offsets.add(o);
        }
        answer.put("offsets", offsets);
        return write(answer);
    }

    /** REST Proxy's error body, {"error_code":40401,"message":"Topic not found."}, for any failure of the call. */
    public static String error(ProblemException p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", errorCode(p.status()));
        body.put("message", p.getMessage());
        if (!p.errors().isEmpty()) {
            body.put("errors", p.errors());
        }
        return write(body);
    }

    static int errorCode(int status) {
        return switch (status) {
            case 401 -> 40101;
            case 404 -> 40401;
            case 503 -> 50003; // REST Proxy's "retriable Kafka error"
            default -> status;
        };
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
