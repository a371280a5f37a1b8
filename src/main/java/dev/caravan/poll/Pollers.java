package dev.caravan.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.support.OneLine;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import dev.caravan.api.ProblemException;
import dev.caravan.kafka.Topics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultExchange;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pollers declared in routes/ (routes made from the http-poller template) and everything Java does for them:
 * whether one is due (asked by its route's clock, on the elected leader), running one (scheduled or on request),
 * fetching its pages within quotas, skipping records whose content did not change, remembering state in MongoDB, and
 * reporting.
 */
public final class Pollers {

    private static final Logger LOG = LoggerFactory.getLogger(Pollers.class);
    public static final String RUN = "caravanPollRun";
    /** The route group of the http-poller template's routes. */
    static final String GROUP = "caravan-poller";
    private static final String HASH = "caravanPollHash";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration LENIENT = Configuration.defaultConfiguration()
            .addOptions(Option.SUPPRESS_EXCEPTIONS);

    /** Settings shared by every poller (caravan.poll.*). */
    public record Options(boolean scheduleEnabled, String clusterNamespace, Retries retries,
            String userAgent, Duration topicTimeout, int maxResponseBytes) {
    }

    private final CamelContext context;
    private volatile dev.caravan.schema.StreamFormats formats;
    private final PollerStore store;
    private final Options options;
    private final Clock clock;
    private final PollerMetrics metrics;
    private final dev.caravan.kafka.KafkaClientConfig kafka;
    private final Map<String, PollRun> running = new ConcurrentHashMap<>();
    private final Map<String, RequestWindow> windows = new ConcurrentHashMap<>();
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private final Set<String> topicsReady = ConcurrentHashMap.newKeySet();
    private volatile ProducerTemplate template;
    private volatile HttpFetcher fetcher;

    public Pollers(CamelContext context, PollerStore store, Options options, dev.caravan.kafka.KafkaClientConfig kafka,
            Clock clock) {
        this.context = context;
        this.store = store;
        this.options = options;
        this.kafka = kafka;
        this.clock = clock;
        this.metrics = new PollerMetrics(context);
    }

    // ---------------------------------------------------------------- what exists

    /** Every poller declared now (after a route file reload too), by name. */
    public Map<String, PollerSpec> specs() {
        Map<String, PollerSpec> specs = new TreeMap<>();
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition def : model.getRouteDefinitions()) {
            Map<String, Object> params = def.getTemplateParameters();
            // Camel keeps no template id on a route: the http-poller template puts its routes in this group
            if (!def.isCreatedFromTemplate() || params == null || !GROUP.equals(def.getGroup())) {
                continue;
            }
            try {
                Map<String, Object> resolved = new LinkedHashMap<>();
                params.forEach((k, v) -> resolved.put(k, v instanceof String s ? context.resolvePropertyPlaceholders(s) : v));
                PollerSpec spec = PollerSpec.from(def.getRouteId(), resolved);
                specs.put(spec.name(), spec);
            } catch (IllegalArgumentException e) {
                if (announced.add("invalid:" + def.getRouteId() + ":" + e.getMessage())) {
                    LOG.error("Poller route {} is not usable: {}", def.getRouteId(), e.getMessage());
                }
            }
        }
        return specs;
    }

    /** The poller writing each topic (the console names a flow's source by it). */
    public Map<String, String> topics() {
        Map<String, String> out = new TreeMap<>();
        specs().values().forEach(spec -> out.put(spec.topic(), spec.name()));
        return out;
    }

    /** Why a poller cannot run, or null when it can. */
    public String disabledReason(PollerSpec spec) {
        if (!spec.enabled()) {
            return "disabled by configuration";
        }
        if (spec.needsApiKey() && apiKey(spec).isEmpty()) {
            return "no API key: set " + (spec.authKeyEnv().isEmpty() ? spec.authKeyProperty() : spec.authKeyEnv());
        }
        return null;
    }

    /** One line per disabled poller, once: at start-up and when a reloaded file declares a new one. */
    public void announce() {
        for (PollerSpec spec : specs().values()) {
            String reason = disabledReason(spec);
            if (reason != null && announced.add("disabled:" + spec.name() + ":" + reason)) {
                LOG.warn("Poller {} is disabled: {}", spec.name(), reason);
            } else if (reason == null && announced.add("enabled:" + spec.name())) {
                LOG.info("Poller {}: {} every '{}' into {}", spec.name(), spec.baseUrl() + spec.path(),
                        spec.schedule(), spec.topic());
            }
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * A tick of the poller's own clock (its route's master: timer, so only on the elected leader): runs it on this
     * thread if the schedule says it is due by its last run, kept in MongoDB so a restart or a new leader keeps the
     * schedule. Returns whether it ran.
     */
    public boolean runIfDue(String name) {
        if (!options.scheduleEnabled()) {
            return false;
        }
        announce();
        PollerSpec spec = specs().get(name);
        if (spec == null || disabledReason(spec) != null || running.containsKey(name)) {
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
        PollerSpec spec = specs().get(name);
        if (spec == null) {
            throw new ProblemException(404, "Not Found", "no poller named '" + name + "'; GET /api/v1/pollers lists them");
        }
        String reason = disabledReason(spec);
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

    // ---------------------------------------------------------------- steps of the http-poller template

    /** Fetches the run's next page (skipping pages remembered as fetched) and returns its records. */
    public List<Object> fetch(Exchange exchange) throws InterruptedException {
        PollRun run = exchange.getProperty(RUN, PollRun.class);
        PollerSpec spec = run.spec();
        rememberPendingPage(run);
        Pagination p = spec.pagination();
        while (run.isMore()) {
            String target = run.currentTarget();
            Map<String, String> params = new LinkedHashMap<>();
            switch (p.kind()) {
                case PAGE -> params.put(p.param(), String.valueOf(p.firstPage() + run.page()));
                case OFFSET -> params.put(p.param(), String.valueOf(run.offset()));
                case CURSOR -> {
                    if (run.cursor() != null) {
                        params.put(p.param(), run.cursor());
                    }
                }
                default -> { }
            }
            boolean remembering = spec.rememberPages() && p.kind() == Pagination.Kind.CURSOR && run.cursor() != null;
            if (remembering) {
                String next = store.nextCursor(spec.name(), target, run.cursor());
                if (next != null) {
                    run.pageRemembered();
                    run.advance(next.isEmpty(), next, 0);
                    continue;
                }
            }
            String body = fetcher().get(spec, target, params, apiKey(spec), window(spec),
                    day -> store.spendRequest(spec.name(), day, spec.dailyBudget()), run);
            run.pageFetched();
            Object json = parse(body, spec, target);
            List<Object> records = records(spec, json);
            String next = p.kind() == Pagination.Kind.CURSOR ? text(JsonPath.using(LENIENT).parse(json).read(p.cursorPath())) : null;
            boolean last = switch (p.kind()) {
                case NONE -> true;
                case CURSOR -> next == null || next.isBlank() || next.equals(run.cursor());
                default -> records.isEmpty();
            };
            if (remembering) {
                run.pagePending(target, run.cursor(), last ? "" : next, records.size());
            }
            if (spec.pageLimit() > 1) {
                LOG.info("Poller {}: page {}/{} of {}{}: {} records", spec.name(), run.page() + 1, spec.pageLimit(),
                        target, params.isEmpty() ? "" : " " + params, records.size());
            }
            run.advance(last, next, records.size());
            return records;
        }
        return List.of();
    }

    /** The filter of the template: true when the record's content changed since it was last produced. */
    public boolean isChanged(Exchange exchange) {
        PollRun run = exchange.getProperty(RUN, PollRun.class);
        String key = exchange.getMessage().getHeader("kafka.KEY", String.class);
        if (key == null || key.isBlank()) {
            run.invalid();
            LOG.debug("Poller {}: a record without a key is skipped", run.spec().name());
            return false;
        }
        String hash = RecordHash.of(exchange.getMessage().getBody(), run.spec().hashFields());
        if (hash.equals(store.hash(run.spec().name(), key))) {
            run.unchanged();
            return false;
        }
        exchange.setProperty(HASH, hash);
        return true;
    }

    /**
     * The record (JSON text) as its topic's value bytes: JSON, or Avro when the stream is Avro. A record that does not
     * fit the Avro schema (the API changed a type) is skipped with a WARN naming the field and counted as invalid,
     * so one odd record does not stop every run at the same place; the body is then null and nothing is produced.
     */
    public void encode(Exchange exchange) throws java.io.IOException {
        PollRun run = exchange.getProperty(RUN, PollRun.class);
        String topic = run.spec().topic();
        try {
            exchange.getMessage().setBody(formats().encodeJson(exchange.getMessage().getBody(String.class), topic));
        } catch (dev.caravan.schema.JsonAvroException e) {
            run.invalid();
            exchange.getMessage().setBody(null);
            LOG.warn("Poller {}: record {} does not fit the Avro schema of {} and is skipped: {}", run.spec().name(),
                    exchange.getMessage().getHeader("kafka.KEY", String.class), topic, e.getMessage());
        }
    }

    private dev.caravan.schema.StreamFormats formats() {
        if (formats == null) {
            // the configuration binds it beside the pollers; looked up once, on first use
            formats = context.getRegistry().lookupByNameAndType("streamFormats", dev.caravan.schema.StreamFormats.class);
        }
        return formats;
    }

    /** After Kafka acknowledged the record: its hash is remembered, so an unchanged copy is not produced again. */
    public void produced(Exchange exchange) {
        PollRun run = exchange.getProperty(RUN, PollRun.class);
        store.rememberHash(run.spec().name(), exchange.getMessage().getHeader("kafka.KEY", String.class),
                exchange.getProperty(HASH, String.class));
        run.produced();
    }

    /** After the last page: the page fetched last is remembered once its records are all in Kafka. */
    public void finish(Exchange exchange) {
        rememberPendingPage(exchange.getProperty(RUN, PollRun.class));
    }

    private void rememberPendingPage(PollRun run) {
        if (run.hasPendingPage()) {
            store.rememberPage(run.spec().name(), run.currentTargetOfPending(), run.pendingCursor(), run.pendingNext(),
                    run.pendingRecords());
            run.clearPendingPage();
        }
    }

    // ---------------------------------------------------------------- reporting

    /** GET /api/v1/pollers. */
    public List<Map<String, Object>> list() {
        announce();
        Instant now = clock.instant();
        boolean leader = isLeader();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PollerSpec spec : specs().values()) {
            Document state = store.state(spec.name());
            String reason = disabledReason(spec);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", spec.name());
            m.put("enabled", reason == null);
            m.put("disabledReason", reason);
            m.put("schedule", spec.schedule().toString());
            m.put("url", spec.baseUrl() + spec.path());
            m.put("topic", spec.topic());
            m.put("rate", spec.rate().toString());
            m.put("retry", spec.retry() == null ? options.retries().toString() : spec.retry().toString());
            m.put("dailyBudget", spec.dailyBudget());
            m.put("requestsToday", store.requestsSpent(spec.name(), LocalDate.now(clock.withZone(ZoneOffset.UTC))));
            m.put("running", running.containsKey(spec.name()));
            m.put("scheduledHere", options.scheduleEnabled() && leader);
            Map<String, Object> last = new LinkedHashMap<>();
            if (state != null) {
                last.put("at", iso(state.getDate("lastRunAt")));
                last.put("status", state.getString("lastStatus"));
                last.put("durationMs", state.get("lastDurationMs"));
                last.put("produced", state.get("lastProduced"));
                last.put("unchanged", state.get("lastUnchanged"));
                last.put("requests", state.get("lastRequests"));
                last.put("error", state.getString("lastError"));
            }
            m.put("lastRun", state == null ? null : last);
            m.put("recordsProduced", state == null ? 0 : ((Number) state.get("totalProduced", 0)).longValue());
            m.put("nextRun", reason != null ? null : nextRun(spec, state, now).toString());
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

    // ---------------------------------------------------------------- helpers

    private String apiKey(PollerSpec spec) {
        if (spec.authKeyProperty().isEmpty()) {
            return "";
        }
        return context.getPropertiesComponent().resolveProperty(spec.authKeyProperty()).map(String::trim).orElse("");
    }

    private RequestWindow window(PollerSpec spec) {
        return windows.compute(spec.name(), (k, w) -> w != null && w.limit().equals(spec.rate()) ? w
                : new RequestWindow(spec.rate(), clock, this::pause));
    }

    private List<Object> records(PollerSpec spec, Object json) {
        Object found;
        if (spec.recordsLanguage().equals("jsonpath")) {
            found = JsonPath.using(LENIENT).parse(json).read(spec.records());
        } else {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setBody(json);
            Expression expression = context.resolveLanguage(spec.recordsLanguage()).createExpression(spec.records());
            expression.init(context);
            found = expression.evaluate(e, Object.class);
            if (e.getException() != null) {
                throw new PollFailure("FAILED", "records '" + spec.records() + "' could not be taken from the response: "
                        + OneLine.of(e.getException()));
            }
        }
        if (found == null) {
            return List.of();
        }
        if (found instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        return List.of(found);
    }

    private static Object parse(String body, PollerSpec spec, String target) {
        if (body.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw new PollFailure("FAILED", "the answer of " + spec.baseUrl() + target + " is not JSON: "
                    + e.getOriginalMessage());
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static String iso(Date d) {
        return d == null ? null : d.toInstant().toString();
    }

    private ProducerTemplate template() {
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
            }
        }
        return template;
    }

    /**
     * A wait between attempts or for the rate window, cut short when Caravan stops: a run waiting out a backoff
     * would otherwise hold the shutdown for as long as its retries last.
     */
    private void pause(Duration d) throws InterruptedException {
        long end = System.nanoTime() + Math.max(1, d.toMillis()) * 1_000_000L;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            if (context.isStopping() || context.isStopped()) {
                throw new PollFailure("FAILED", "Caravan is stopping; the run ends here and the next one starts over");
            }
            Thread.sleep(Math.min(200, Math.max(1, left / 1_000_000L)));
        }
    }

    private HttpFetcher fetcher() {
        if (fetcher == null) {
            synchronized (this) {
                if (fetcher == null) {
                    fetcher = new HttpFetcher(template(), options.retries(), clock,
                            this::pause, options.userAgent(), metrics).limitedTo(options.maxResponseBytes());
                }
            }
        }
        return fetcher;
    }
}
