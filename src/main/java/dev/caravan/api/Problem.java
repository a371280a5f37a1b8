package dev.caravan.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.OrderedMap;

/** An RFC 9457 problem document: what went wrong, for which request, never how the server failed inside. */
public record Problem(int status, String title, String detail, String instance, List<Map<String, Object>> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Problem(int status, String title, String detail, String instance) {
        this(status, title, detail, instance, List.of());
    }

    public String toJson() {
        Map<String, Object> body = OrderedMap.of("type", "about:blank", "title", title, "status", status,
                "detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
