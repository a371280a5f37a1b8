package dev.caravan.poll;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one poller request through camel-http and gets its JSON back, within the poller's quotas: a request waits
 * for the rate window, spends one from the daily budget, waits out a 429's Retry-After, and retries 5xx, 408 and
 * network errors with exponential backoff up to a cap. Other 4xx are not retried. URLs in messages never show the
 * API key.
 */
record HttpFetcher(ProducerTemplate template, Pollers.Options options, Clock clock, RequestWindow.Sleeper sleeper,
        PollerMetrics metrics) {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFetcher.class);

    interface Budget {
        boolean spend(LocalDate day);
    }

    /** The response body of a 2xx answer; throws PollFailure when the request cannot succeed now. */
    String get(PollerSpec spec, String path, Map<String, String> params, String apiKey, RequestWindow window,
            Budget budget, PollRun run) throws InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : spec.query().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && eq < pair.length() - 1) {
                // an empty value (an optional setting left unset) is not sent
                query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        query.putAll(params);
        String shown = spec.baseUrl() + path + queryString(query, spec, null);
        String sent = queryString(query, spec, apiKey);
        String uri = spec.baseUrl() + path;
        String lastProblem = null;
        Retries policy = retriesOf(spec);
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            if (!budget.spend(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
                throw new PollFailure("QUOTA", "daily request budget of " + spec.dailyBudget() + " spent before "
                        + shown + "; the poller resumes tomorrow (UTC)");
            }
            Duration waited = window.acquire();
            if (!waited.isZero()) {
                LOG.debug("Poller {} waited {} ms for its rate of {}", spec.name(), waited.toMillis(), spec.rate());
            }
            run.requestSent();
            Exchange request = new DefaultExchange(template.getCamelContext());
            // counted in metrics as part of the poller's route
            request.getExchangeExtension().setFromRouteId(spec.routeId());
            request.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            request.getMessage().setHeader(Exchange.HTTP_QUERY, sent.isEmpty() ? null : sent.substring(1));
            request.getMessage().setHeader("Accept", "application/json");
            request.getMessage().setHeader("User-Agent", options.userAgent());
            if (spec.authStyle().equals("header")) {
                request.getMessage().setHeader(spec.authName(), apiKey);
            }
            // Camel's stream cache holds the body (spooled to disk above camel.main.stream-caching-spool-threshold)
            Exchange answer = template.send(uri + "?throwExceptionOnFailure=false", request);
            Duration pause;
            if (answer.getException() != null) {
                Throwable cause = answer.getException();
                while (cause.getCause() != null && cause.getCause() != cause) {
                    cause = cause.getCause();
                }
                lastProblem = cause.getClass().getSimpleName() + " (" + cause.getMessage() + ") from " + shown;
                metrics.request(spec.name(), "error");
                pause = backoff(policy, attempt);
            } else {
                int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
                metrics.request(spec.name(), String.valueOf(status));
                if (status >= 200 && status < 300) {
                    return body(answer, shown);
                }
                close(answer);
                lastProblem = "HTTP " + status + " from " + shown;
                if (status == 429) {
                    Duration after = retryAfter(answer.getMessage().getHeader("Retry-After", String.class), policy,
                            attempt);
                    if (after.compareTo(policy.maxRetryAfter()) > 0) {
                        throw new PollFailure("QUOTA", lastProblem + " asks to wait " + after.toSeconds()
                                + " s, beyond caravan.poll.max-retry-after-ms; the poller tries again on its schedule");
                    }
                    pause = after;
                } else if (status >= 500 || status == 408) {
                    pause = backoff(policy, attempt);
                } else {
                    throw new PollFailure("FAILED", lastProblem + " (not retried: the request itself is refused)");
                }
            }
            if (attempt < policy.maxAttempts()) {
                LOG.debug("Poller {} attempt {}/{}: {}; retrying in {} ms", spec.name(), attempt,
                        policy.maxAttempts(), lastProblem, pause.toMillis());
                sleeper.sleep(pause);
            }
        }
        throw new PollFailure("FAILED", lastProblem + " after " + policy.maxAttempts() + " attempts");
    }

    /**
     * The body as UTF-8 text, read up to the limit; larger is a failed run, not an out-of-memory error (the stream
     * cache keeps a large body on disk, and only the limit is ever read into the heap).
     */
    private String body(Exchange answer, String shown) {
        try (java.io.InputStream in = answer.getMessage().getBody(java.io.InputStream.class)) {
            if (in == null) {
                return "";
            }
            byte[] bytes = in.readNBytes(options.maxResponseBytes() + 1);
            if (bytes.length > options.maxResponseBytes()) {
                throw new PollFailure("FAILED", "the response from " + shown + " is larger than "
                        + options.maxResponseBytes() + " bytes (caravan.poll.max-response-bytes); not read");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new PollFailure("FAILED", "the response from " + shown + " could not be read: " + e.getMessage());
        }
    }

    private static void close(Exchange answer) {
        Object body = answer.getMessage().getBody();
        if (body instanceof java.io.Closeable c) {
            try {
                c.close();
            } catch (java.io.IOException ignored) {
                // the connection is dropped either way
            }
        }
    }

    /** The poller's declared retries, or the settings' when it declares none. */
    Retries retriesOf(PollerSpec spec) {
        return spec.retry() == null ? options.retries()
                : spec.retry().honouringRetryAfterUpTo(options.retries().maxRetryAfter());
    }

    /** Exponential: initial, 2x, 4x ... capped. */
    static Duration backoff(Retries retries, int attempt) {
        long ms = retries.initialBackoff().toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(ms, retries.maxBackoff().toMillis()));
    }

    /** Retry-After in seconds or as an HTTP date; without one, the usual backoff. */
    Duration retryAfter(String header, Retries retries, int attempt) {
        if (header == null || header.isBlank()) {
            return backoff(retries, attempt);
        }
        String h = header.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(h)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notDate) {
                return backoff(retries, attempt);
            }
        }
    }

    private static String queryString(Map<String, String> query, PollerSpec spec, String apiKey) {
        StringJoiner j = new StringJoiner("&", "?", "");
        j.setEmptyValue("");
        query.forEach((k, v) -> j.add(enc(k) + "=" + enc(v)));
        if (spec.authStyle().equals("query")) {
            j.add(enc(spec.authName()) + "=" + (apiKey == null ? "***" : enc(apiKey)));
        }
        return j.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
