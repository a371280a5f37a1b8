package dev.caravan.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of a problem's errors list: which record (0-based, in input order), where in it (JSON Pointer), what. */
final class ValidationError {

    private ValidationError() {
    }

    static Map<String, Object> of(int index, String pointer, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("index", index);
        e.put("pointer", pointer);
        e.put("message", message);
        return e;
    }
}
