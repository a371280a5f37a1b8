package dev.caravan.emulate;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code java -jar caravan.jar emulate}: posts Pinterest pin/geo/user triples to a running Caravan at a steady rate,
 * the way the seed projects' user-posting emulators drive their pipelines, and reports what the API answered.
 */
public final class PostingEmulator {

    static final String USAGE = """
            usage: java -jar caravan.jar emulate [--url http://localhost:8080] [--rate 50] [--count N | --duration 60s]
                   [--seed 42] [--format api|rest-proxy] [--api-key KEY] [--topics caravan.pins,caravan.geo,caravan.users]
              --rate      posts per second; each post is a pin, a geo and a user record sharing an ind (default 50)
              --count     posts to send; --duration: how long to send (default 60s; 500ms, 90s, 5m)
              --seed      the same seed sends the same records (default 42)
              --format    api: POST /api/v1/streams/{pins,geo,users}; rest-proxy: POST /topics/{topic} (REST Proxy v2)
              --api-key   sent as Authorization: Bearer KEY (default: environment variable CARAVAN_API_KEY)
              --topics    the pin, geo and user topics, for --format rest-proxy""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STREAMS = List.of("pins", "geo", "users");

    private final Options options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Semaphore inFlight = new Semaphore(32);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();

    PostingEmulator(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs with command-line arguments; returns the exit code: 0 all accepted, 1 some errors, 2 bad arguments. */
    public static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("emulate: " + e.getMessage());
            out.println(USAGE);
            return 2;
        }
        if (options.help) {
            out.println(USAGE);
            return 0;
        }
        return new PostingEmulator(options, out).run();
    }

    int run() {
        out.printf("emulate: posting to %s (%s format) at %d posts/s, %s, seed %d%n", options.url, options.format,
                options.rate, options.count > 0 ? options.count + " posts" : "for " + options.duration.toSeconds() + " s",
                options.seed);
        PinterestGenerator generator = new PinterestGenerator(options.seed);
        long start = System.nanoTime();
        long end = options.count > 0 ? Long.MAX_VALUE : start + options.duration.toNanos();
        long nextProgress = start + TimeUnit.SECONDS.toNanos(5);
        long interval = TimeUnit.SECONDS.toNanos(1) / options.rate;
        long posts = 0;
        while (options.count > 0 ? posts < options.count : System.nanoTime() < end) {
            long due = start + posts * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing, not synchronisation
            }
            PinterestGenerator.Post post = generator.next();
            send(0, post.pin());
            send(1, post.geo());
            send(2, post.user());
            posts++;
            if (System.nanoTime() >= nextProgress) {
                progress(start);
                nextProgress += TimeUnit.SECONDS.toNanos(5);
            }
        }
        try {
            // wait for the answers still on their way
            if (!inFlight.tryAcquire(32, 60, TimeUnit.SECONDS)) {
                out.println("emulate: some requests got no answer within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("emulate: done in %.1f s: posts %d, requests %d, accepted %d, errors %d, %.1f requests/s%n",
                seconds, posts, sent.get(), accepted.get(), errors.get(), sent.get() / Math.max(seconds, 0.001));
        errorKinds.forEach((kind, n) -> out.printf("emulate:   %d x %s%n", n.get(), kind));
        return errors.get() == 0 ? 0 : 1;
    }

    private void send(int kind, Map<String, Object> record) {
        HttpRequest request;
        try {
            request = request(kind, record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        inFlight.acquireUninterruptibly();
        sent.incrementAndGet();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        answer.whenComplete((response, failure) -> {
            try {
                if (failure != null) {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    error("no answer from " + options.url + ": " + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
                } else if (response.statusCode() / 100 == 2) {
                    accepted.incrementAndGet();
                } else {
                    error(response.statusCode() + " " + detail(response.body()));
                }
            } finally {
                inFlight.release();
            }
        });
    }

    private HttpRequest request(int kind, Map<String, Object> record) throws JsonProcessingException {
        HttpRequest.Builder b;
        if (options.format == Format.REST_PROXY) {
            Map<String, Object> envelope = Map.of("records", List.of(Map.of("value", record)));
            b = HttpRequest.newBuilder(URI.create(options.url + "/topics/" + options.topics.get(kind)))
                    .header("Content-Type", "application/vnd.kafka.json.v2+json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(envelope)));
        } else {
            b = HttpRequest.newBuilder(URI.create(options.url + "/api/v1/streams/" + STREAMS.get(kind)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(record)));
        }
        if (options.apiKey != null && !options.apiKey.isBlank()) {
            b.header("Authorization", "Bearer " + options.apiKey);
        }
        return b.timeout(Duration.ofSeconds(30)).build();
    }

    private void error(String kind) {
        errors.incrementAndGet();
        AtomicLong count = errorKinds.computeIfAbsent(kind.length() > 200 ? kind.substring(0, 200) : kind,
                k -> new AtomicLong());
        if (count.incrementAndGet() == 1 && errorKinds.size() <= 10) {
            out.println("emulate: error: " + kind);
        }
    }

    private void progress(long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("emulate: %.0f s: sent %d, accepted %d, errors %d, %.1f requests/s%n", seconds, sent.get(),
                accepted.get(), errors.get(), sent.get() / seconds);
    }

    private static String detail(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.has("detail")) {
                return n.get("detail").asText();
            }
            if (n.has("message")) {
                return n.get("message").asText();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // not JSON: show it as it came
        }
        return body == null ? "" : body.strip();
    }

    enum Format {
        API, REST_PROXY;

        @Override
        public String toString() {
            return this == API ? "api" : "rest-proxy";
        }
    }

    static final class Options {
        String url = "http://localhost:8080";
        int rate = 50;
        long count;
        Duration duration = Duration.ofSeconds(60);
        long seed = 42;
        Format format = Format.API;
        String apiKey = System.getenv("CARAVAN_API_KEY");
        List<String> topics = List.of("caravan.pins", "caravan.geo", "caravan.users");
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    o.help = true;
                    continue;
                }
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                values.put(name, value);
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "url" -> o.url = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                    case "rate" -> o.rate = positive("rate", v);
                    case "count" -> o.count = positive("count", v);
                    case "duration" -> o.duration = duration(v);
                    case "seed" -> o.seed = number("seed", v);
                    case "format" -> o.format = switch (v) {
                        case "api" -> Format.API;
                        case "rest-proxy" -> Format.REST_PROXY;
                        default -> throw new IllegalArgumentException("--format is api or rest-proxy, got '" + v + "'");
                    };
                    case "api-key" -> o.apiKey = v;
                    case "topics" -> {
                        List<String> t = List.of(v.split(","));
                        if (t.size() != 3) {
                            throw new IllegalArgumentException("--topics needs three topics: pin,geo,user");
                        }
                        o.topics = t;
                    }
                    default -> throw new IllegalArgumentException("unknown option --" + e.getKey());
                }
            }
            if (values.containsKey("count") && values.containsKey("duration")) {
                throw new IllegalArgumentException("give --count or --duration, not both");
            }
            return o;
        }

        private static int positive(String name, String v) {
            long n = number(name, v);
            if (n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--" + name + " must be a positive whole number, got '" + v + "'");
            }
            return (int) n;
        }

        private static long number(String name, String v) {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'");
            }
        }

        static Duration duration(String v) {
            String s = v.trim().toLowerCase();
            try {
                if (s.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                }
                if (s.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
                }
                if (s.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
                }
                return Duration.ofSeconds(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--duration is like 500ms, 60s or 5m, got '" + v + "'");
            }
        }
    }
}
