package dev.caravan.sink.lake;

import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/** The last files this process landed, newest first, as the operator console lists them. */
final class RecentFiles {

    private static final int KEPT = 20;

    private final Deque<Map<String, Object>> recent = new ConcurrentLinkedDeque<>();

    /** A file set's manifest entries, landed at {@code writtenAt}. */
    void landed(List<Map<String, Object>> entries, Object writtenAt) {
        for (Map<String, Object> entry : entries) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("key", entry.get("key"));
            shown.put("format", entry.get("format"));
            shown.put("records", entry.get("records"));
            shown.put("bytes", entry.get("bytes"));
            shown.put("writtenAt", writtenAt);
            recent.addFirst(shown);
        }
        while (recent.size() > KEPT) {
            recent.pollLast();
        }
    }

    List<Map<String, Object>> list() {
        return List.copyOf(recent);
    }
}
