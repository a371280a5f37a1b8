package dev.caravan.sink.lake;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

import dev.caravan.support.OrderedMap;

/** The last files this process landed, newest first, as the operator console lists them. */
final class RecentFiles {

    private static final int KEPT = 20;

    private final Deque<Map<String, Object>> recent = new ConcurrentLinkedDeque<>();

    /** A file set's manifest entries, landed at {@code writtenAt}. */
    void landed(List<Map<String, Object>> entries, Object writtenAt) {
        for (Map<String, Object> entry : entries) {
            Map<String, Object> shown = OrderedMap.of("key", entry.get("key"), "format", entry.get("format"),
                    "records", entry.get("records"), "bytes", entry.get("bytes"), "writtenAt", writtenAt);
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
