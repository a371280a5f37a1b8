package dev.caravan.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps a poller within its request rate: before each request, waits until fewer than N requests were sent in the
 * last window. Per poller and per process (only the elected leader polls on schedule).
 */
final class RequestWindow {

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RateLimit limit;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Deque<Instant> sent = new ArrayDeque<>();

    RequestWindow(RateLimit limit, Clock clock, Sleeper sleeper) {
        this.limit = limit;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    RateLimit limit() {
        return limit;
    }

    /** Blocks until one more request fits the rate, then counts it; returns how long it waited. */
    synchronized Duration acquire() throws InterruptedException {
        if (limit.unlimited()) {
            return Duration.ZERO;
        }
        Duration waited = Duration.ZERO;
        while (true) {
            Instant now = clock.instant();
            while (!sent.isEmpty() && !sent.peekFirst().plus(limit.window()).isAfter(now)) {
                sent.pollFirst();
            }
            if (sent.size() < limit.requests()) {
                sent.addLast(now);
                return waited;
            }
            Duration wait = Duration.between(now, sent.peekFirst().plus(limit.window()));
            sleeper.sleep(wait);
            waited = waited.plus(wait);
        }
    }
}
