package dev.caravan.sink.mongo;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bson.Document;

/**
 * Turns one JSON record from Kafka into the MongoDB document stored for it: the record's fields, an _id that is
 * stable across redeliveries (the record key), and where it came from.
 */
public final class RecordDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Document toDocument(String json, String key, String topic, Integer partition, Long offset) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record at " + topic + "/" + partition + "@" + offset + " is not JSON: "
                    + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("record at " + topic + "/" + partition + "@" + offset
                    + " is not a JSON object");
        }
        Document doc = Document.parse(json);
        doc.remove("_id");
        Document result = new Document("_id", key != null ? key : topic + "-" + partition + "-" + offset);
        result.putAll(doc);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("topic", topic);
        source.put("partition", partition);
        source.put("offset", offset);
        result.put("_source", new Document(source));
        return result;
    }
}
