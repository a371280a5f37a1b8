package dev.caravan.sink.mongo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bulk writes this process's MongoDB sink has made to each collection, so a reader of those collections (the
 * analytics refresh) can tell that nothing changed since it last read them.
 */
public final class CollectionWrites {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void written(String collection) {
        counts.computeIfAbsent(collection, c -> new AtomicLong()).incrementAndGet();
    }

    /** A number that changes whenever one of the collections is written. */
    public long version(Iterable<String> collections) {
        long sum = 0;
        for (String c : collections) {
            AtomicLong n = counts.get(c);
            sum += n == null ? 0 : n.get();
        }
        return sum;
    }
}
