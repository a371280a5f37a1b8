package dev.caravan.settings;

import java.time.Duration;

/** The HTTP server, API keys, route files and health probes. */
public final class HttpSettings {

    public static final Setting<Integer> HTTP_PORT = Setting.integer("caravan.http.port", 8_080,
            "HTTP port of the API, health and metrics, 0 = any free port");

    public static final Setting<String> HTTP_HOST = Setting.text("caravan.http.host", "",
            "HTTP bind address")
            .shown("empty = 127.0.0.1 while no API key is set (everything is open), 0.0.0.0 once keys are set");

    public static final Setting<Boolean> HTTP_ALLOW_ANONYMOUS = Setting.flag("caravan.http.allow-anonymous", false,
            "Serve other hosts without any API key (caravan.http.host not loopback and no keys)");

    public static final Setting<Integer> HTTP_WORKER_THREADS = Setting.integer("caravan.http.worker-threads", 64,
            "Threads that run the HTTP routes; each request holds one until Kafka acknowledged its records, so this " +
            "bounds the requests in flight");

    public static final Setting<String> ADMIN_API_KEYS = Setting.text("caravan.admin.api-keys", "",
            "Admin API keys (run pollers, redrive, compact, recompute, read the overview, metrics, health " +
            "details), comma-separated, from the environment")
            .env("CARAVAN_ADMIN_API_KEYS");

    public static final Setting<String> OBSERVE_API_KEYS = Setting.text("caravan.observe.api-keys", "",
            "Observe API keys: /observe/* only (health details, Prometheus metrics), for scrapers; " +
            "comma-separated")
            .env("CARAVAN_OBSERVE_API_KEYS");

    public static final Setting<String> ROUTES_DIR = Setting.text("caravan.routes-dir", "routes",
            "Directory of route files (*.yaml, sub-folders included); when absent the routes packaged in the jar " +
            "are used");

    public static final Setting<Boolean> ROUTES_RELOAD = Setting.flag("caravan.routes.reload", true,
            "Reload a route file when it is edited or added");

    public static final Setting<Duration> HEALTH_TIMEOUT = Setting.millis("caravan.health.timeout-ms", 5_000,
            "Time limit of one readiness probe of Kafka, MongoDB or S3, in ms");

    private HttpSettings() {
    }
}
