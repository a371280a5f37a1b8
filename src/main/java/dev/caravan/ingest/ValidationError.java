package dev.caravan.ingest;

import java.util.Map;

import dev.caravan.support.OrderedMap;

/** One entry of a problem's errors list: which record (0-based, in input order), where in it (JSON Pointer), what. */
final class ValidationError {

    private ValidationError() {
    }

    static Map<String, Object> of(int index, String pointer, String message) {
        Map<String, Object> e = OrderedMap.of("index", index, "pointer", pointer, "message", message);
        return e;
    }
}
