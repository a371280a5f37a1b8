package dev.caravan.poll;

import java.time.Duration;

/**
 * How a poller request is retried: attempts, exponential backoff from initial to max, longest Retry-After honoured.
 * A poller declares its own as "ATTEMPTS x FIRST..CAP" (e.g. "4 x 1s..30s") or "none" (one attempt); the longest
 * Retry-After honoured is the same for every poller (caravan.poll.max-retry-after-ms).
 */
public record Retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** What a poller's retry parameter declares, or null when it is empty (the settings' retries apply). */
    public static Retries declared(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.equals("none")) {
            return new Retries(1, Duration.ZERO, Duration.ZERO, null);
        }
        String[] parts = s.split("\\s*x\\s*", 2);
        int dots = parts.length == 2 ? parts[1].indexOf("..") : -1;
        if (dots < 1) {
            throw new IllegalArgumentException("retry '" + s + "' must be none or ATTEMPTS x FIRST..CAP, e.g. 4 x 1s..30s");
        }
        int attempts;
        try {
            attempts = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("retry '" + s + "': attempts must be a whole number, e.g. 4 x 1s..30s");
        }
        Duration first = Schedule.period(parts[1].substring(0, dots));
        Duration cap = Schedule.period(parts[1].substring(dots + 2));
        if (attempts < 1 || first.compareTo(cap) > 0) {
            throw new IllegalArgumentException("retry '" + s + "': at least one attempt, and the first wait no longer "
                    + "than the cap");
        }
        return new Retries(attempts, first, cap, null);
    }

    /** A declared policy with the longest Retry-After every poller honours. */
    Retries honouringRetryAfterUpTo(Duration max) {
        return new Retries(maxAttempts, initialBackoff, maxBackoff, max);
    }

    /** As a poller declares it: "none" or "4 x 1s..30s". */
    @Override
    public String toString() {
        return maxAttempts == 1 ? "none"
                : maxAttempts + " x " + RateLimit.period(initialBackoff) + ".." + RateLimit.period(maxBackoff);
    }
}
