package dev.caravan.metrics;

import java.time.Clock;
import java.util.List;

import dev.caravan.sink.mongo.CollectionWrites;

/**
 * When the stream metrics refresh. A refresh reads every source document: not again while no write reached the
 * sources (for at most idleRefreshMs: other replicas' sinks and other writers are seen then), and never more than a
 * tenth of the time (a large collection on a slow server would otherwise be scanned back to back).
 */
final class RefreshGate {

    private final Clock clock;
    private final CollectionWrites writes;
    private final long idleRefreshMs;
    private long lastVersion;
    private long lastRefreshAt = -1;
    private long lastRefreshEnd;
    private long lastRefreshMs;

    /** @param idleRefreshMs 0 = never skip */
    RefreshGate(Clock clock, CollectionWrites writes, long idleRefreshMs) {
        this.clock = clock;
        this.writes = writes;
        this.idleRefreshMs = idleRefreshMs;
    }

    /** Whether to refresh from these collections now; after a refresh that was let through, {@link #refreshed()}. */
    boolean open(List<String> sources) {
        long now = clock.millis();
        long version = writes.version(sources);
        if (lastRefreshAt >= 0 && idleRefreshMs > 0) {
            boolean unchanged = version == lastVersion && now - lastRefreshAt < idleRefreshMs;
            boolean tooSoon = now - lastRefreshEnd < 9 * lastRefreshMs;
            if (unchanged || tooSoon) {
                return false;
            }
        }
        lastVersion = version; // read before the sources: a write during the refresh brings the next one
        lastRefreshAt = now;
        return true;
    }

    void refreshed() {
        lastRefreshEnd = clock.millis();
        lastRefreshMs = lastRefreshEnd - lastRefreshAt;
    }
}
