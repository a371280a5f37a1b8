package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Accepts a request body only when it is one JSON object sent as application/json. */
public final class JsonObjectCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** 415 unless application/json; checked before the body is read, whatever the server made of it. */
    public void checkMediaType(String contentType) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new ProblemException(415, "Unsupported Media Type",
                    "Content-Type must be application/json, got " + (contentType == null ? "none" : "'" + contentType + "'"));
        }
    }

    public void check(String contentType, String body) {
        checkMediaType(contentType);
        if (body == null || body.isBlank()) {
            throw new ProblemException(400, "Bad Request", "the request body is empty; send one JSON object");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new ProblemException(400, "Bad Request", "the body is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new ProblemException(422, "Unprocessable Content",
                    "the body must be one JSON object, got a JSON " + node.getNodeType().name().toLowerCase());
        }
    }
}
