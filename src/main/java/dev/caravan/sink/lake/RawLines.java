package dev.caravan.sink.lake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.schema.ConfluentWire;
import dev.caravan.schema.JsonAvro;
import dev.caravan.schema.StreamFormats;
import dev.caravan.support.OrderedMap;

/**
 * The raw zone's NDJSON lines ({"topic","partition","offset","timestamp","key","value"}) and the checks they rest on:
 * whether a record's bytes are one JSON object, and on one line, so they can be copied into the line as received.
 */
final class RawLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RawLines() {
    }

    /**
     * One NDJSON line of the raw zone: the record's coordinates and its value as received. A one-line JSON object is
     * copied as it is, behind a head built without Jackson (the topic part is the unit's, computed once).
     */
    static void append(NdjsonFile file, LakeUnit unit, long offset, long ts, String key, byte[] value,
            int shape) throws IOException {
        StringBuilder mid = new StringBuilder(64).append(offset).append(",\"timestamp\":").append(ts)
                .append(",\"key\":");
        jsonString(mid, key);
        if (value != null && shape == ONE_LINE) {
            mid.append(",\"value\":");
            file.appendRaw(offset, unit.rawLineHead(), mid.toString().getBytes(StandardCharsets.UTF_8), value);
            return;
        }
        if (value == null) {
            mid.append(",\"value\":null}");
        } else if (shape == MULTI_LINE) {
            mid.append(",\"value\":").append(JSON.writeValueAsString(parse(value))).append('}');
        } else {
            mid.append(",\"value_base64\":\"").append(Base64.getEncoder().encodeToString(value)).append("\"}");
        }
        file.appendRaw(offset, unit.rawLineHead(), mid.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** A JSON string literal as Jackson writes it: quotes, backslashes and control characters escaped. */
    static void jsonString(StringBuilder out, String s) throws IOException {
        if (s == null) {
            out.append("null");
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                out.append(JSON.writeValueAsString(s));
                return;
            }
        }
        out.append('"').append(s).append('"');
    }

    /** One NDJSON line of the raw zone for an Avro record: its schema id and its value as its writer wrote it. */
    static byte[] wireLine(LakeUnit unit, long offset, long ts, String key, StreamFormats.Decoded wire,
            byte[] value, Map<String, Object> parsed) throws IOException {
        // read as written: the map already made for cleaning when the writer's schema is the reader's
        Map<String, Object> asWritten = !wire.writer().equals(wire.record().getSchema())
                ? JsonAvro.toMap(ConfluentWire.decode(value, id -> wire.writer(), wire.writer()))
                : parsed != null ? parsed : wire.map();
        Map<String, Object> line = OrderedMap.of("topic", unit.topic, "partition", unit.partition, "offset", offset,
                "timestamp", ts, "key", key, "schema_id", wire.schemaId(), "value", asWritten);
        return JSON.writeValueAsBytes(line);
    }

    static final int NOT_AN_OBJECT = 0;
    static final int ONE_LINE = 1;
    static final int MULTI_LINE = 2;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    record Parsed(Map<String, Object> map, int shape) {
    }

    // the shape-only scan runs for every raw record: its answers are constants, nothing allocated
    private static final Parsed NONE = new Parsed(null, NOT_AN_OBJECT);
    private static final Parsed ONE_LINE_SHAPE = new Parsed(null, ONE_LINE);
    private static final Parsed MULTI_LINE_SHAPE = new Parsed(null, MULTI_LINE);

    /** One JSON object and nothing after it, checked by a streaming pass (no map is built). */
    static boolean isJsonObject(byte[] value) {
        return jsonShape(value) != NOT_AN_OBJECT;
    }

    /**
     * Whether the bytes are one JSON object, and on one line: a JSON string cannot hold a raw line break, so the
     * parser's line count after the last token tells whether the object can be copied into an NDJSON line as it is.
     */
    static int jsonShape(byte[] value) {
        return scan(value, false).shape();
    }

    /** The record as a map, with its shape; null when it is not one JSON object. */
    static Parsed parseWithShape(byte[] value) {
        Parsed parsed = scan(value, true);
        return parsed.shape() == NOT_AN_OBJECT ? null : parsed;
    }

    /** One streaming pass: the shape, and with {@code toMap} the object as a map (otherwise none is built). */
    private static Parsed scan(byte[] value, boolean toMap) {
        if (value == null) {
            return NONE;
        }
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(value)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return NONE;
            }
            Map<String, Object> map = null;
            if (toMap) {
                map = JSON.readValue(p, MAP);
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                return NONE;
            }
            int lines = p.currentLocation().getLineNr();
            // skipping does not decode strings: make sure the bytes are UTF-8, as a JSON line must be
            if (!toMap && !isAscii(value)) {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value));
            }
            int shape = lines > 1 || wideEncoding(value) ? MULTI_LINE : ONE_LINE;
            return toMap ? new Parsed(map, shape) : shape == ONE_LINE ? ONE_LINE_SHAPE : MULTI_LINE_SHAPE;
        } catch (IOException | RuntimeException notAnObject) {
            return NONE;
        }
    }

    /**
     * UTF-16 or UTF-32 JSON, which Jackson reads too: a zero byte among the first two, where UTF-8 JSON has '{' or
     * whitespace. Its bytes cannot go into a UTF-8 line as they are (and a 0x0A byte there is no line break to the
     * parser), so it is written again, as UTF-8.
     */
    private static boolean wideEncoding(byte[] value) {
        return value.length > 1 && (value[0] == 0 || value[1] == 0);
    }

    /** Plain ASCII is valid UTF-8: most records are, and need no decoder (which copies them into a char buffer). */
    private static boolean isAscii(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readValue(value, MAP);
        } catch (IOException | RuntimeException notAnObject) {
            return null;
        }
    }
}
