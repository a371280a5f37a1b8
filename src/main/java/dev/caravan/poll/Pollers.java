package dev.caravan.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.support.OneLine;
import dev.caravan.support.OrderedMap;
import dev.caravan.api.ProblemException;
import dev.caravan.kafka.Topics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.support.DefaultExchange;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pollers declared in routes/ ({@link PollerCatalog}): when one is due (asked by its route's clock, on the
 * elected leader) or on request, each run through its own route, whose steps are {@link PollSteps}; and reports
 * their state, kept in MongoDB.
 */
public final class Pollers {

    private static final Logger LOG = LoggerFactory.getLogger(Pollers.class);
    public static final String RUN = "caravanPollRun";

    /** Settings shared by every poller (caravan.poll.*). */
    public record Options(boolean scheduleEnabled, String clusterNamespace, Retries retries,
            String userAgent, Duration topicTimeout, int maxResponseBytes) {
    }

    private final CamelContext context;
    private final PollerCatalog catalog;
    private final PollSteps steps;
    private final PollerStore store;
    private final Options options;
    private final Clock clock;
    private final PollerMetrics metrics;
    private final dev.caravan.kafka.KafkaClientConfig kafka;
    private final Map<String, PollRun> running = new ConcurrentHashMap<>();
    private final Set<String> topicsReady = ConcurrentHashMap.newKeySet();

    public Pollers(CamelContext context, PollerStore store, Options options, dev.caravan.kafka.KafkaClientConfig kafka,
            Clock clock) {
        this.context = context;
        this.store = store;
        this.options = options;
        this.kafka = kafka;
        this.clock = clock;
        this.metrics = new PollerMetrics(context);
        this.catalog = new PollerCatalog(context);
        this.steps = new PollSteps(context, catalog, store, options, clock);
    }

    /** The pollers declared now. */
    public PollerCatalog catalog() {
        return catalog;
    }

    /** The steps the http-poller template calls (bound as pollSteps). */
    public PollSteps steps() {
        return steps;
    }

    /**
     * A tick of the poller's own clock (its route's master: timer, so only on the elected leader): runs it on this
     * thread if the schedule says it is due by its last run, kept in MongoDB so a restart or a new leader keeps the
     * schedule. Returns whether it ran.
     */
    public boolean runIfDue(String name) {
        if (!options.scheduleEnabled()) {
            return false;
        }
        catalog.announce();
        PollerSpec spec = catalog.specs().get(name);
        if (spec == null || catalog.disabledReason(spec) != null || running.containsKey(name)) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isBefore(nextRun(spec, store.state(name), now))) {
            return false;
        }
        PollRun run = new PollRun(spec, now, "schedule");
        if (running.putIfAbsent(name, run) != null) {
            return false;
        }
        execute(run);
        return true;
    }

    /** POST /api/v1/pollers/{name}/run: runs it now, on this instance, and answers what it did. */
    public PollRun.Summary runNow(String name) {
        PollerSpec spec = catalog.specs().get(name);
        if (spec == null) {
            throw new ProblemException(404, "Not Found", "no poller named '" + name + "'; GET /api/v1/pollers lists them");
        }
        String reason = catalog.disabledReason(spec);
        if (reason != null) {
            throw new ProblemException(409, "Conflict", "poller " + name + " is " + reason);
        }
        PollRun run = new PollRun(spec, clock.instant(), "request");
        if (running.putIfAbsent(name, run) != null) {
            throw new ProblemException(409, "Conflict", "poller " + name + " is running; try again when it is done");
        }
        return execute(run);
    }

    private PollRun.Summary execute(PollRun run) {
        PollerSpec spec = run.spec();
        try {
            if (topicsReady.add(spec.topic())) {
                Topics.ensure(kafka, List.of(spec.topic()), options.topicTimeout());
            }
            store.runStarted(spec.name(), run.startedAt());
            Exchange start = new DefaultExchange(context);
            start.getExchangeExtension().setFromRouteId(spec.routeId());
            start.setProperty(RUN, run);
            // the run goes through the poller's own route, past its clock (routes/templates/http-poller.camel.yaml)
            org.apache.camel.Route route = context.getRoute(spec.routeId());
            if (route == null) {
                throw new PollFailure("FAILED", "the route " + spec.routeId() + " of poller " + spec.name()
                        + " is not running");
            }
            route.getProcessor().process(start);
            Throwable failure = start.getException();
            if (failure == null) {
                run.finish("OK", null, clock.instant());
            } else if (failure instanceof PollFailure pf) {
                run.finish(pf.status(), pf.getMessage(), clock.instant());
            } else {
                run.finish("FAILED", OneLine.of(failure), clock.instant());
            }
        } catch (Exception e) {
            topicsReady.remove(spec.topic());
            run.finish("FAILED", OneLine.of(e), clock.instant());
        } finally {
            running.remove(spec.name(), run);
        }
        PollRun.Summary s = run.summary();
        try {
            store.runFinished(spec.name(), s);
        } catch (RuntimeException e) {
            LOG.warn("Poller {}: its run could not be recorded in MongoDB: {}", spec.name(), OneLine.of(e));
        }
        metrics.run(spec.name(), s.status());
        metrics.records(spec.name(), "produced", s.produced());
        metrics.records(spec.name(), "unchanged", s.unchanged());
        if (!s.status().equals("OK")) {
            // once per failed run, with status and URL (keys redacted); the schedule goes on
            LOG.warn("Poller {} run {} ({}): {}; {} records produced before", spec.name(), s.status(), run.trigger(),
                    s.error(), s.produced());
        } else if (s.produced() > 0 || run.trigger().equals("request")) {
            LOG.info("Poller {}: {} records produced, {} unchanged, {} requests in {} ms", spec.name(), s.produced(),
                    s.unchanged(), s.requests(), s.durationMs());
        }
        return s;
    }

    /** GET /api/v1/pollers. */
    public List<Map<String, Object>> list() {
        catalog.announce();
        Instant now = clock.instant();
        boolean leader = isLeader();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PollerSpec spec : catalog.specs().values()) {
            Document state = store.state(spec.name());
            String reason = catalog.disabledReason(spec);
            Map<String, Object> last = state == null ? null : OrderedMap.of(
                    "at", iso(state.getDate("lastRunAt")), "status", state.getString("lastStatus"),
                    "durationMs", state.get("lastDurationMs"), "produced", state.get("lastProduced"),
                    "unchanged", state.get("lastUnchanged"), "requests", state.get("lastRequests"),
                    "error", state.getString("lastError"));
            Map<String, Object> m = OrderedMap.of("name", spec.name(), "enabled", reason == null,
                    "disabledReason", reason, "schedule", spec.schedule().toString(),
                    "url", spec.baseUrl() + spec.path(), "topic", spec.topic(), "rate", spec.rate().toString(),
                    "retry", spec.retry() == null ? options.retries().toString() : spec.retry().toString(),
                    "dailyBudget", spec.dailyBudget(),
                    "requestsToday", store.requestsSpent(spec.name(), LocalDate.now(clock.withZone(ZoneOffset.UTC))),
                    "running", running.containsKey(spec.name()),
                    "scheduledHere", options.scheduleEnabled() && leader,
                    "lastRun", last,
                    "recordsProduced", state == null ? 0 : ((Number) state.get("totalProduced", 0)).longValue(),
                    "nextRun", reason != null ? null : nextRun(spec, state, now).toString());
            out.add(m);
        }
        return out;
    }

    /** Whether this instance holds the scheduler's leadership (always true without a cluster service). */
    public boolean isLeader() {
        CamelClusterService cluster = context.hasService(CamelClusterService.class);
        return cluster == null || cluster.isLeader(options.clusterNamespace());
    }

    private Instant nextRun(PollerSpec spec, Document state, Instant now) {
        Date last = state == null ? null : state.getDate("lastRunAt");
        return spec.schedule().next(last == null ? null : last.toInstant(), now);
    }

    private static String iso(Date d) {
        return d == null ? null : d.toInstant().toString();
    }
}
