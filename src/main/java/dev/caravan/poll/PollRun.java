package dev.caravan.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of one poller, carried by the exchange (property caravanPollRun) through the template route: which target
 * and page come next, and what the run did so far.
 */
public final class PollRun {

    /** What a run did, as GET /api/v1/pollers and POST .../run show it. */
    public record Summary(String poller, String status, String startedAt, long durationMs, int requests,
            int pagesFetched, int pagesRemembered, int produced, int unchanged, int invalid, String error) {
    }

    private final PollerSpec spec;
    private final Instant startedAt;
    private final List<String> targets;
    private final String trigger;
    private int target;
    private int page;
    private String cursor;
    private int offset;
    private boolean more = true;
    private PollerStore.Page pendingPage;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger pagesFetched = new AtomicInteger();
    private final AtomicInteger pagesRemembered = new AtomicInteger();
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicInteger unchanged = new AtomicInteger();
    private final AtomicInteger invalid = new AtomicInteger();
    private volatile String status = "RUNNING";
    private volatile String error;
    private volatile Duration duration;

    PollRun(PollerSpec spec, Instant startedAt, String trigger) {
        this.spec = spec;
        this.startedAt = startedAt;
        this.targets = spec.paths();
        this.trigger = trigger;
    }

    public PollerSpec spec() {
        return spec;
    }

    /** What started it: "schedule" or "request". */
    public String trigger() {
        return trigger;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** True while the template route should fetch another page. */
    public boolean isMore() {
        return more;
    }

    void stop() {
        more = false;
    }

    // --- pagination position (used by PollSteps.fetch only, on the run's thread)
    String currentTarget() {
        return targets.get(target);
    }

    int page() {
        return page;
    }

    String cursor() {
        return cursor;
    }

    int offset() {
        return offset;
    }

    /** Moves to the next page of the current target, or to the next target when this one is done. */
    void advance(boolean targetDone, String nextCursor, int recordsOnPage) {
        if (targetDone || page + 1 >= spec.pageLimit()) {
            target++;
            page = 0;
            cursor = null;
            offset = 0;
            if (target >= targets.size()) {
                more = false;
            }
        } else {
            page++;
            cursor = nextCursor;
            offset += recordsOnPage;
        }
    }

    /** The page just fetched: remembered once its records are all in Kafka. */
    void pagePending(PollerStore.Page page) {
        pendingPage = page;
    }

    /** The page to remember now, if any; the run forgets it. */
    PollerStore.Page takePendingPage() {
        PollerStore.Page page = pendingPage;
        pendingPage = null;
        return page;
    }

    // --- counters
    void requestSent() {
        requests.incrementAndGet();
    }

    void pageFetched() {
        pagesFetched.incrementAndGet();
    }

    void pageRemembered() {
        pagesRemembered.incrementAndGet();
    }

    void produced() {
        produced.incrementAndGet();
    }

    void unchanged() {
        unchanged.incrementAndGet();
    }

    void invalid() {
        invalid.incrementAndGet();
    }

    void finish(String status, String error, Instant now) {
        this.status = status;
        this.error = error;
        this.duration = Duration.between(startedAt, now);
        this.more = false;
    }

    public Summary summary() {
        long ms = duration == null ? 0 : duration.toMillis();
        return new Summary(spec.name(), status, startedAt.toString(), ms, requests.get(), pagesFetched.get(),
                pagesRemembered.get(), produced.get(), unchanged.get(), invalid.get(), error);
    }
}
