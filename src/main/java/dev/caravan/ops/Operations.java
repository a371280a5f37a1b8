package dev.caravan.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.caravan.api.JsonAnswer;
import dev.caravan.api.ProblemException;
import dev.caravan.support.OrderedMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.ExchangeHelper;

/**
 * Long operations asked for over HTTP (a poller run, a redrive, a compaction, a recompute) run off the HTTP thread, at
 * most caravan.ops.concurrency at once (more is a 429). A request waits caravan.ops.wait-ms for its operation: done by
 * then, it gets the result as before; still running, it gets 202 with the URL where the result will be
 * ({@code GET /api/v1/operations/{id}}). The last results are kept in memory for an hour: they describe this process.
 */
public final class Operations implements AutoCloseable {

    /** One operation, as GET /api/v1/operations/{id} shows it. */
    private static final class Run {
        final String id;
        final String name;
        final Instant startedAt = Instant.now();
        final CompletableFuture<Exchange> done = new CompletableFuture<>();
        volatile Instant endedAt;

        Run(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private final CamelContext context;
    private final Duration wait;
    private final ThreadPoolExecutor executor;
    private final Map<String, Run> runs = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Run> eldest) {
            return size() > 200 || eldest.getValue().endedAt != null
                    && eldest.getValue().endedAt.isBefore(Instant.now().minus(Duration.ofHours(1)));
        }
    });
    private volatile ProducerTemplate template;

    public Operations(CamelContext context, int concurrency, Duration wait) {
        this.context = context;
        this.wait = wait;
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(1), r -> {
                    Thread t = new Thread(r, "caravan-operation");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs the route at {@code uri} with a copy of this request; the exchange gets its answer, or a 202 pointing at
     * its future result. A problem the operation raises in the wait is the request's problem (404, 409...).
     */
    public void run(String name, String uri, Exchange exchange) throws Exception {
        Run run = new Run(UUID.randomUUID().toString(), name);
        Exchange work = ExchangeHelper.createCopy(exchange, true);
        try {
            executor.execute(() -> {
                try {
                    run.done.complete(template().send(uri, work));
                } catch (RuntimeException e) {
                    work.setException(e);
                    run.done.complete(work);
                } finally {
                    run.endedAt = Instant.now();
                }
            });
        } catch (RejectedExecutionException busy) {
            throw new ProblemException(429, "Too Many Requests", executor.getMaximumPoolSize() + " operations are "
                    + "running already; retry when one has ended", java.util.List.of(), Map.of("Retry-After", "10"));
        }
        runs.put(run.id, run);
        try {
            Exchange result = run.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (result.getException() != null) {
                throw result.getException();
            }
            exchange.getMessage().setBody(result.getMessage().getBody());
        } catch (TimeoutException stillRunning) {
            Map<String, Object> accepted = describe(run);
            exchange.getMessage().setBody(new JsonAnswer.Status(202, accepted,
                    Map.of("Location", "/api/v1/operations/" + run.id)));
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** GET /api/v1/operations/{id}: running, done with its result, or failed with its reason. */
    public Map<String, Object> status(String id) {
        Run run = id == null ? null : runs.get(id);
        if (run == null) {
            throw new ProblemException(404, "Not Found", "no operation " + id + " (results are kept for an hour)");
        }
        return describe(run);
    }

    private static Map<String, Object> describe(Run run) {
        Map<String, Object> out = OrderedMap.of("id", run.id, "operation", run.name,
                "startedAt", run.startedAt.toString(), "statusUrl", "/api/v1/operations/" + run.id);
        Exchange result = run.done.getNow(null);
        if (result == null) {
            out.put("status", "running");
        } else if (result.getException() != null) {
            out.put("status", "failed");
            Exception e = result.getException();
            out.put("error", e instanceof ProblemException p ? p.status() + " " + p.getMessage() : e.toString());
        } else {
            out.put("status", "done");
            out.put("result", result.getMessage().getBody());
        }
        out.put("endedAt", run.endedAt == null ? null : run.endedAt.toString());
        return out;
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
