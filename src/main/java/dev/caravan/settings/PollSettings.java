package dev.caravan.settings;

import java.time.Duration;

/** The pollers' scheduler, retries, HTTP client limits and leader election. */
public final class PollSettings {

    public static final Setting<Boolean> ENABLED = Setting.flag("caravan.poll.enabled", true,
            "Run pollers on their schedules (false: only POST /api/v1/pollers/{name}/run runs them)");

    public static final Setting<Duration> TICK = Setting.millis("caravan.poll.tick-ms", 5_000,
            "How often each poller's clock ticks on the leader to ask whether its schedule says it is due, in ms");

    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("caravan.poll.max-attempts", 5,
            "Attempts of one request on 429, 5xx, 408 and network errors before the run fails");

    public static final Setting<Duration> BACKOFF_INITIAL = Setting.millis("caravan.poll.backoff-initial-ms", 1_000,
            "First wait before retrying a failed request, doubled each attempt, in ms");

    public static final Setting<Duration> BACKOFF_MAX = Setting.millis("caravan.poll.backoff-max-ms", 60_000,
            "Longest wait between attempts, in ms");

    public static final Setting<Duration> MAX_RETRY_AFTER = Setting.millis("caravan.poll.max-retry-after-ms", 300_000,
            "A 429 asking to wait longer than this (in ms) ends the run; the next scheduled run tries again");

    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.millis("caravan.poll.connect-timeout-ms", 10_000,
            "Time to connect to a polled API, in ms");

    public static final Setting<Duration> RESPONSE_TIMEOUT = Setting.millis("caravan.poll.response-timeout-ms", 30_000,
            "Time a polled API has to answer, in ms");

    public static final Setting<Integer> MAX_RESPONSE_BYTES =
            Setting.integer("caravan.poll.max-response-bytes", 16_777_216,
            "Largest response body a poller reads, in bytes; a larger one fails the run (the heap never holds it)");

    public static final Setting<String> STATE_PREFIX = Setting.text("caravan.poll.state-prefix", "poller_",
            "Prefix of the MongoDB collections of poller state (state, records, pages, quota)");

    public static final Setting<String> CLUSTER_SERVICE = Setting.text("caravan.cluster.service", "file",
            "Leader election among replicas: file (a lock file under caravan.cluster.root: one host or a shared " +
            "volume) or kubernetes (a Lease)");

    public static final Setting<String> CLUSTER_ROOT = Setting.text("caravan.cluster.root", "",
            "Directory of the file lock")
            .shown("empty = DATA_DIR/cluster");

    public static final Setting<String> CLUSTER_NAMESPACE =
            Setting.text("caravan.cluster.namespace", "caravan-pollers",
            "Name of the leadership the scheduler route holds (master:NAMESPACE:...)");

    public static final Setting<String> CLUSTER_ID = Setting.text("caravan.cluster.id", "",
            "This instance's member id in the cluster")
            .shown("empty = host name and a random suffix");

    public static final Setting<Duration> CLUSTER_LOCK_INTERVAL =
            Setting.millis("caravan.cluster.lock-interval-ms", 5_000,
            "How often a follower tries to take over leadership, in ms (a dead leader is replaced after a few of " +
            "these)");

    private PollSettings() {
    }
}
