package dev.caravan.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON answer's object: its fields in the order written, null values kept (unlike Map.of). */
public final class OrderedMap {

    private OrderedMap() {
    }

    /** A mutable map of alternating keys and values: of("topic", t, "ok", true). */
    public static Map<String, Object> of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate, got " + keysAndValues.length + " items");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
