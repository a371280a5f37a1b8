package dev.caravan.sink.mongo;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.schema.StreamFormats;

/**
 * Record bytes from Kafka into a field map, and the check that field names are safe for MongoDB: a name starting
 * with $ (an operator) or containing . (a path) is rejected to the dead-letter topic, never escaped or stored.
 * Confluent wire format records (magic byte 0) are decoded by schema id, whatever the stream's configured format.
 */
public final class RecordParser {

    private final StreamFormats formats;

    public RecordParser(StreamFormats formats) {
        this.formats = formats;
    }

    /** A parser for JSON records only. */
    public RecordParser() {
        this(null);
    }

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /** Parse stage: bytes of the topic's record to a map; an Avro record is read in the topic's schema. */
    public Map<String, Object> parse(byte[] value, String topic) throws IOException {
        if (formats != null && StreamFormats.isWire(value)) {
            return formats.decode(topic, value).map();
        }
        return parse(value);
    }

    /** Parse stage: bytes to a map; anything but one JSON object fails. One pass: no tree in between. */
    public Map<String, Object> parse(byte[] value) throws IOException {
        if (value == null || value.length == 0) {
            throw new IOException("the record has no value");
        }
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the record is not a JSON object");
            }
            // the mapper's checks hold here too: duplicate fields, nesting depth, nothing after the object
            return JSON.readValue(parser, MAP);
        }
    }

    /**
     * Validate stage: rejects $-prefixed and dotted field names anywhere in the record, and an _id of its own: a
     * stored document's id comes from the record's key, never from a field that could name another record's.
     */
    public Map<String, Object> checkFieldNames(Map<String, Object> record) {
        if (record.containsKey("_id")) {
            throw new IllegalArgumentException("field _id is not allowed: a stored document's id comes from its key");
        }
        check(record, "");
        return record;
    }

    private static void check(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext();) {
                Map.Entry<?, ?> e = it.next();
                String name = String.valueOf(e.getKey());
                if (name.startsWith("$") || name.contains(".") || name.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("field name '" + name + "' at " + (path.isEmpty() ? "/" : path)
                            + " is not allowed: MongoDB reads $ as an operator and . as a path");
                }
                check(e.getValue(), path + "/" + name);
            }
        } else if (value instanceof Iterable<?> list) {
            int i = 0;
            for (Object o : list) {
                check(o, path + "/" + i++);
            }
        }
    }
}
