package dev.caravan.settings;

import java.time.Duration;

/** The ingest API: limits, timeouts, transactions, idempotency. */
public final class IngestSettings {

    public static final Setting<String> API_KEYS = Setting.text("caravan.ingest.api-keys", "",
            "API keys clients must send (Authorization: Bearer KEY or X-API-Key), comma-separated, from the " +
            "environment")
            .env("CARAVAN_INGEST_API_KEYS")
            .shown("empty = open API");

    public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer("caravan.ingest.max-body-bytes", 1_048_576,
            "Largest accepted HTTP request body in bytes (larger gets 413)");

    public static final Setting<Integer> MAX_RECORDS = Setting.integer("caravan.ingest.max-records", 1_000,
            "Most records one request may carry (more gets 413)");

    public static final Setting<Duration> TIMEOUT = Setting.millis("caravan.ingest.timeout-ms", 10_000,
            "How long a request waits for Kafka to acknowledge its records before answering 503, in ms");

    public static final Setting<Duration> RETRY_AFTER = Setting.seconds("caravan.ingest.retry-after-seconds", 5,
            "Seconds a 503 asks the client to wait (Retry-After)");

    public static final Setting<Integer> TRANSACTIONAL_PRODUCERS =
            Setting.integer("caravan.ingest.transactional-producers", 4,
            "Transactional producers for multi-record batches (concurrent batch requests)");

    public static final Setting<Duration> IDEMPOTENCY_WINDOW =
            Setting.seconds("caravan.ingest.idempotency-window-seconds", 86_400,
            "How long the first answer to an Idempotency-Key is replayed to repeats, in seconds");

    public static final Setting<String> IDEMPOTENCY_COLLECTION =
            Setting.text("caravan.ingest.idempotency-collection", "ingest_requests",
            "MongoDB collection keeping Idempotency-Keys and their answers");

    public static final Setting<Duration> TRANSACTION_TIMEOUT =
            Setting.millis("caravan.ingest.transaction-timeout-ms", 60_000,
            "An open batch transaction left by a crash blocks read_committed consumers at most this long, in ms");

    public static final Setting<String> TRANSACTIONAL_ID_PREFIX = Setting.text("caravan.ingest.transactional-id-prefix",
            "", "Prefix of the ingest producers' transactional ids, unique per instance")
            .shown("empty = caravan-ingest-HOST-PORT-");

    private IngestSettings() {
    }
}
