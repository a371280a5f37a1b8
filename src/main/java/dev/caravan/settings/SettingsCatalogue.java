package dev.caravan.settings;

import java.util.List;

/**
 * Every caravan.* setting, in the groups and order of {@code application.properties}, which shows each with its doc
 * line and default ({@code SettingsCatalogueTest} proves they agree), and the key families read by prefix.
 */
public final class SettingsCatalogue {

    /** A block of the properties file: its "## " header and its settings. */
    public record Group(String header, List<Setting<?>> settings) {
    }

    /** Keys read by prefix: what follows the prefix is a name Caravan does not know in advance. */
    public record Family(String prefix, String doc) {

        /** The key of one member: the prefix and the name. */
        public String key(String name) {
            return prefix + name;
        }
    }

    public static final List<Group> GROUPS = List.of(
            group("Caravan: where data lives and what to embed",
                    EmbeddedSettings.DATA_DIR,
                    EmbeddedSettings.EMBEDDED,
                    EmbeddedSettings.EMBEDDED_HOST,
                    EmbeddedSettings.EMBEDDED_KAFKA_PORT,
                    EmbeddedSettings.EMBEDDED_KAFKA_PARTITIONS,
                    EmbeddedSettings.EMBEDDED_MONGO_PORT,
                    EmbeddedSettings.EMBEDDED_S3_PORT,
                    EmbeddedSettings.EMBEDDED_S3_ACCESS_KEY,
                    EmbeddedSettings.EMBEDDED_S3_SECRET_KEY),
            group("Caravan: external services (leave empty to use the embedded ones)",
                    ConnectionSettings.KAFKA_BROKERS,
                    ConnectionSettings.MONGODB_URI,
                    ConnectionSettings.MONGODB_DATABASE,
                    ConnectionSettings.MONGODB_SERVER_SELECTION_TIMEOUT,
                    ConnectionSettings.S3_ENDPOINT,
                    ConnectionSettings.S3_ACCESS_KEY,
                    ConnectionSettings.S3_SECRET_KEY,
                    ConnectionSettings.S3_REGION,
                    ConnectionSettings.S3_BUCKET,
                    ConnectionSettings.S3_PREFIX,
                    ConnectionSettings.S3_FORCE_PATH_STYLE),
            group("Caravan: HTTP, routes, health",
                    HttpSettings.HTTP_PORT,
                    HttpSettings.HTTP_HOST,
                    HttpSettings.HTTP_ALLOW_ANONYMOUS,
                    HttpSettings.HTTP_WORKER_THREADS,
                    HttpSettings.ADMIN_API_KEYS,
                    HttpSettings.OBSERVE_API_KEYS,
                    HttpSettings.ROUTES_DIR,
                    HttpSettings.ROUTES_RELOAD,
                    HttpSettings.HEALTH_TIMEOUT),
            group("Ingest API: POST /api/v1/streams/{stream} (routes/ingest/streams.camel.yaml)",
                    IngestSettings.API_KEYS,
                    IngestSettings.MAX_BODY_BYTES,
                    IngestSettings.MAX_RECORDS,
                    IngestSettings.TIMEOUT,
                    IngestSettings.RETRY_AFTER,
                    IngestSettings.TRANSACTIONAL_PRODUCERS,
                    IngestSettings.IDEMPOTENCY_WINDOW,
                    IngestSettings.IDEMPOTENCY_COLLECTION,
                    IngestSettings.TRANSACTION_TIMEOUT,
                    IngestSettings.TRANSACTIONAL_ID_PREFIX),
            group("Flows: one file per record type under routes/flows/ (see README, Add a record type). Any " +
                    "parameter of a flow can be set here instead, without editing its file: " +
                    "caravan.flows.NAME.PARAMETER (e.g. caravan.flows.pins.topic)."),
            group("Schema registry: a Confluent-compatible one (Confluent, Apicurio ccompat, Redpanda, Karapace) " +
                    "when a URL is set, else the embedded one, a compacted topic on the same Kafka cluster (for " +
                    "development; use a real one in production)",
                    SchemaSettings.REGISTRY_URL,
                    SchemaSettings.REGISTRY_USER,
                    SchemaSettings.REGISTRY_PASSWORD,
                    SchemaSettings.REGISTRY_TOPIC,
                    SchemaSettings.REGISTRY_TIMEOUT,
                    SchemaSettings.COMPATIBILITY,
                    SchemaSettings.API_PATH),
            group("Pollers: scheduled HTTP polls into Kafka (routes/poll/, one http-poller templatedRoute each)",
                    PollSettings.ENABLED,
                    PollSettings.TICK,
                    PollSettings.MAX_ATTEMPTS,
                    PollSettings.BACKOFF_INITIAL,
                    PollSettings.BACKOFF_MAX,
                    PollSettings.MAX_RETRY_AFTER,
                    PollSettings.CONNECT_TIMEOUT,
                    PollSettings.RESPONSE_TIMEOUT,
                    PollSettings.MAX_RESPONSE_BYTES,
                    PollSettings.STATE_PREFIX,
                    PollSettings.CLUSTER_SERVICE,
                    PollSettings.CLUSTER_ROOT,
                    PollSettings.CLUSTER_NAMESPACE,
                    PollSettings.CLUSTER_ID,
                    PollSettings.CLUSTER_LOCK_INTERVAL),
            group("NYT Books API poller (routes/poll/poller-nyt.camel.yaml)",
                    PollerApiSettings.NYT_BASE_URL,
                    PollerApiSettings.NYT_API_KEY,
                    PollerApiSettings.NYT_SCHEDULE,
                    PollerApiSettings.NYT_BACKFILL_WEEKS,
                    PollerApiSettings.NYT_RATE,
                    PollerApiSettings.NYT_DAILY_BUDGET,
                    PollerApiSettings.NYT_ENABLED),
            group("randomuser.me poller (routes/poll/poller-randomuser.camel.yaml)",
                    PollerApiSettings.RANDOMUSER_BASE_URL,
                    PollerApiSettings.RANDOMUSER_RESULTS,
                    PollerApiSettings.RANDOMUSER_SEED,
                    PollerApiSettings.RANDOMUSER_PAGES,
                    PollerApiSettings.RANDOMUSER_SCHEDULE,
                    PollerApiSettings.RANDOMUSER_RATE,
                    PollerApiSettings.RANDOMUSER_RETRY,
                    PollerApiSettings.RANDOMUSER_DROP_FIELDS,
                    PollerApiSettings.RANDOMUSER_ENABLED),
            group("football-data.org poller (routes/poll/poller-football.camel.yaml)",
                    PollerApiSettings.FOOTBALL_BASE_URL,
                    PollerApiSettings.FOOTBALL_API_TOKEN,
                    PollerApiSettings.FOOTBALL_COMPETITIONS,
                    PollerApiSettings.FOOTBALL_QUERY,
                    PollerApiSettings.FOOTBALL_SCHEDULE,
                    PollerApiSettings.FOOTBALL_RATE,
                    PollerApiSettings.FOOTBALL_DAILY_BUDGET,
                    PollerApiSettings.FOOTBALL_ENABLED),
            group("MongoDB sink: every flow with a collection into it (routes/sink/streams-to-mongo.camel.yaml and " +
                    "friends)",
                    MongoSinkSettings.GROUP,
                    MongoSinkSettings.FLOWS,
                    MongoSinkSettings.BATCH_SIZE,
                    MongoSinkSettings.WRITE_PLAN,
                    MongoSinkSettings.CONSUMERS,
                    MongoSinkSettings.BATCH_INTERVAL,
                    MongoSinkSettings.MAX_POLL_INTERVAL,
                    MongoSinkSettings.SINK_STALL_LIMIT,
                    MongoSinkSettings.SINK_RETRY_INITIAL,
                    MongoSinkSettings.SINK_RETRY_MAX,
                    MongoSinkSettings.DLQ_SUFFIX,
                    MongoSinkSettings.DLQ_REDRIVE_GROUP,
                    MongoSinkSettings.CLEAN_PLACEHOLDERS),
            group("Lake sink: every flow with lake zones into S3 (routes/sink/streams-to-lake.camel.yaml)",
                    LakeSettings.GROUP,
                    LakeSettings.FLOWS,
                    LakeSettings.FLUSH_RECORDS,
                    LakeSettings.FLUSH_BYTES,
                    LakeSettings.ROTATE_INTERVAL,
                    LakeSettings.CHECK_INTERVAL,
                    LakeSettings.BATCH_SIZE,
                    LakeSettings.BATCH_INTERVAL,
                    LakeSettings.GZIP_THREADS,
                    LakeSettings.AVRO_CODEC,
                    LakeSettings.PARQUET_CODEC,
                    LakeSettings.COMPACTION_DAILY_CRON,
                    LakeSettings.COMPACTION_WEEKLY_CRON,
                    LakeSettings.COMPACTION_NAMESPACE),
            group("Analytics (routes/metrics/): stream results from MongoDB, batch results from the lake, compared",
                    MetricsSettings.DIR,
                    MetricsSettings.COLLECTION,
                    MetricsSettings.REFRESH,
                    MetricsSettings.IDLE_REFRESH,
                    MetricsSettings.SQL_MEMORY,
                    MetricsSettings.RECOMPUTE_CRON,
                    MetricsSettings.NAMESPACE),
            group("Long operations over HTTP (routes/ops/operations.camel.yaml): poller runs, redrive, compaction, " +
                    "recompute",
                    OpsSettings.CONCURRENCY,
                    OpsSettings.WAIT),
            group("Operator console (routes/console/)",
                    ConsoleSettings.CONTENT_SECURITY_POLICY));

    public static final Family FLOW_PARAMETERS = new Family("caravan.flows.",
            "a flow's parameter, without editing its file: caravan.flows.NAME.PARAMETER");
    public static final Family KAFKA_CLIENT = new Family("caravan.kafka.",
            "Kafka client properties: .client.* for every client, .producer.*, .consumer.*, .admin.* for one role");
    public static final Family SUBJECT_COMPATIBILITY = new Family("caravan.schema.compatibility.",
            "one subject's compatibility rule in the embedded registry: caravan.schema.compatibility.SUBJECT");
    public static final Family ACTIVE = new Family("caravan.active.",
            "set by Caravan at start-up to the addresses and ports actually in use");

    public static final List<Family> FAMILIES = List.of(FLOW_PARAMETERS, KAFKA_CLIENT, SUBJECT_COMPATIBILITY, ACTIVE);

    private SettingsCatalogue() {
    }

    private static Group group(String header, Setting<?>... settings) {
        return new Group(header, List.of(settings));
    }
}
