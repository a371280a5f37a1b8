package dev.caravan.poll;

import java.time.Duration;

/** How a poller request is retried: attempts, exponential backoff from initial to max, longest Retry-After honoured. */
public record Retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
}
