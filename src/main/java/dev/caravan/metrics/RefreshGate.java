package dev.caravan.metrics;

/**
 * When the stream metrics refresh. A refresh reads every source document: not again while no write reached the
 * sources (for at most idleRefreshMs: other replicas' sinks and other writers are seen then), and never more than a
 * tenth of the time (a large collection on a slow server would otherwise be scanned back to back).
 */
final class RefreshGate {

    private final long idleRefreshMs;
    private long lastVersion;
    private long lastRefreshAt = -1;
    private long lastRefreshEnd;
    private long lastRefreshMs;

    /** @param idleRefreshMs 0 = never skip */
    RefreshGate(long idleRefreshMs) {
        this.idleRefreshMs = idleRefreshMs;
    }

    /**
     * Whether to refresh now, the sources' write count being {@code version}; after a refresh that was let through,
     * {@link #refreshed}.
     */
    boolean open(long now, long version) {
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

    void refreshed(long now) {
        lastRefreshEnd = now;
        lastRefreshMs = lastRefreshEnd - lastRefreshAt;
    }
}
