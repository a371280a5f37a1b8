package dev.caravan.poll;

import java.time.Duration;

/** A request quota: at most {@code requests} in any {@code window}, written "5/1m" (NYT: 5 a minute) or "10/1s". */
public record RateLimit(int requests, Duration window) {

    public static final RateLimit NONE = new RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));

    public static RateLimit parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty() || s.equals("none")) {
            return NONE;
        }
        int slash = s.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("rate '" + s + "' must be REQUESTS/PERIOD, e.g. 5/1m");
        }
        int n = Integer.parseInt(s.substring(0, slash).trim());
        Duration window = Schedule.period(s.substring(slash + 1));
        if (n < 1) {
            throw new IllegalArgumentException("rate '" + s + "' must allow at least one request");
        }
        return new RateLimit(n, window);
    }

    public boolean unlimited() {
        return requests == Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return unlimited() ? "none" : requests + "/" + period(window);
    }

    /** A window as the configuration writes it: 1m, 90s, 2h, 1d, 250ms. */
    static String period(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        return ms % 1_000L == 0 ? ms / 1_000L + "s" : ms + "ms";
    }
}
