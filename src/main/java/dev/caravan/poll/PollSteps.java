package dev.caravan.poll;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import dev.caravan.schema.JsonAvroException;
import dev.caravan.schema.StreamFormats;
import dev.caravan.support.OneLine;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a run that the http-poller template calls (the pollSteps bean): fetch a page within the poller's
 * quotas, skip a record whose content did not change, encode it for its topic, and remember what Kafka acknowledged.
 */
public final class PollSteps {

    private static final Logger LOG = LoggerFactory.getLogger(PollSteps.class);
    private static final String HASH = "caravanPollHash";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration LENIENT = Configuration.defaultConfiguration()
            .addOptions(Option.SUPPRESS_EXCEPTIONS);

    private final CamelContext context;
    private final PollerCatalog catalog;
    private final PollerStore store;
    private final Pollers.Options options;
    private final Clock clock;
    private final PollerMetrics metrics;
    private final Map<String, RequestWindow> windows = new ConcurrentHashMap<>();
    private volatile StreamFormats formats;
    private volatile HttpFetcher fetcher;

    PollSteps(CamelContext context, PollerCatalog catalog, PollerStore store, Pollers.Options options, Clock clock) {
        this.context = context;
        this.catalog = catalog;
        // the request counters, in the same registry as the runs' (Pollers)
        this.metrics = new PollerMetrics(context);
        this.store = store;
        this.options = options;
        this.clock = clock;
    }

    /** Fetches the run's next page (skipping pages remembered as fetched) and returns its records. */
    public List<Object> fetch(Exchange exchange) throws InterruptedException {
        PollRun run = exchange.getProperty(Pollers.RUN, PollRun.class);
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
            String body = fetcher().get(spec, target, params, catalog.apiKey(spec), window(spec),
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
                run.pagePending(new PollerStore.Page(target, run.cursor(), last ? "" : next, records.size()));
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
        PollRun run = exchange.getProperty(Pollers.RUN, PollRun.class);
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
        PollRun run = exchange.getProperty(Pollers.RUN, PollRun.class);
        String topic = run.spec().topic();
        try {
            exchange.getMessage().setBody(formats().encodeJson(exchange.getMessage().getBody(String.class), topic));
        } catch (JsonAvroException e) {
            run.invalid();
            exchange.getMessage().setBody(null);
            LOG.warn("Poller {}: record {} does not fit the Avro schema of {} and is skipped: {}", run.spec().name(),
                    exchange.getMessage().getHeader("kafka.KEY", String.class), topic, e.getMessage());
        }
    }

    /** After Kafka acknowledged the record: its hash is remembered, so an unchanged copy is not produced again. */
    public void produced(Exchange exchange) {
        PollRun run = exchange.getProperty(Pollers.RUN, PollRun.class);
        store.rememberHash(run.spec().name(), exchange.getMessage().getHeader("kafka.KEY", String.class),
                exchange.getProperty(HASH, String.class));
        run.produced();
    }

    /** After the last page: the page fetched last is remembered once its records are all in Kafka. */
    public void finish(Exchange exchange) {
        rememberPendingPage(exchange.getProperty(Pollers.RUN, PollRun.class));
    }

    private void rememberPendingPage(PollRun run) {
        PollerStore.Page page = run.takePendingPage();
        if (page != null) {
            store.rememberPage(run.spec().name(), page);
        }
    }

    private StreamFormats formats() {
        if (formats == null) {
            // the configuration binds it beside the pollers; looked up once, on first use
            formats = context.getRegistry().lookupByNameAndType("streamFormats", StreamFormats.class);
        }
        return formats;
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
                    fetcher = new HttpFetcher(context.createProducerTemplate(), options, clock, this::pause, metrics);
                }
            }
        }
        return fetcher;
    }
}
