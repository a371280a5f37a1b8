package dev.caravan.settings;

import java.time.Duration;

/** The MongoDB sink: its group, flows, batches, retries and dead letters. */
public final class MongoSinkSettings {

    public static final Setting<String> GROUP = Setting.text("caravan.mongo.group", "caravan-mongo",
            "Consumer group of the MongoDB sink");

    public static final Setting<String> FLOWS = Setting.text("caravan.mongo.flows", "*",
            "Flows the MongoDB sink stores, comma-separated names (* = every flow with a collection or a join, " +
            "empty = none: this deployment runs no MongoDB sink)");

    public static final Setting<Integer> BATCH_SIZE = Setting.integer("caravan.mongo.batch-size", 500,
            "Most records written in one bulkWrite round");

    public static final Setting<String> WRITE_PLAN = Setting.oneOf("caravan.mongo.write-plan", "auto",
            "How a batch is written: read-first (one $in query finds the stored keys; absent ones are inserted, stale " +
            "versions dropped: cheaper where an upsert is dear, as in the embedded server's H2 store), upsert (one " +
            "upsert per key, the newer-than guard in its filter, no read: as MongoDB's own connector), or auto " +
            "(read-first on the embedded server, upsert on any other)", "auto", "read-first", "upsert");

    public static final Setting<Integer> CONSUMERS = Setting.integer("caravan.mongo.consumers", 2,
            "Consumer threads of the MongoDB sink (group caravan.mongo.group), each with its own partitions");

    public static final Setting<Duration> BATCH_INTERVAL = Setting.millis("caravan.mongo.batch-interval-ms", 1_000,
            "A batch that is not full is written after this many ms");

    public static final Setting<Duration> MAX_POLL_INTERVAL =
            Setting.millis("caravan.mongo.max-poll-interval-ms", 600_000,
            "Longest one attempt of a sink batch may keep its consumer from polling before Kafka reassigns its " +
            "partitions, in ms (outages are waited out by polling)");

    public static final Setting<Duration> SINK_STALL_LIMIT = Setting.millis("caravan.sink.stall-limit-ms", 120_000,
            "A sink batch retried (an outage) for longer than this turns readiness red, with the route and the " +
            "reason, in ms");

    public static final Setting<Duration> SINK_RETRY_INITIAL = Setting.millis("caravan.sink.retry-initial-ms", 500,
            "First wait before a sink batch is retried after an outage, doubled per attempt, in ms");

    public static final Setting<Duration> SINK_RETRY_MAX = Setting.millis("caravan.sink.retry-max-ms", 30_000,
            "Longest wait between two attempts of a sink batch, in ms (the consumer polls meanwhile, keeping its " +
            "partitions)");

    public static final Setting<String> DLQ_SUFFIX = Setting.text("caravan.dlq.suffix", ".dlq",
            "Suffix of dead-letter topics: records of caravan.geo that cannot be stored go to caravan.geo.dlq");

    public static final Setting<String> DLQ_REDRIVE_GROUP =
            Setting.text("caravan.dlq.redrive-group", "caravan-redrive",
            "Consumer group that remembers which dead letters were already redriven");

    public static final Setting<String> CLEAN_PLACEHOLDERS =
            Setting.text("caravan.clean.placeholders",
                    "No description available Story format|No Title Data Available|User Info Error|Image src error."
                    + "|N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e|No description available",
            "Texts the sources write instead of a value, |-separated; cleaning stores null for them")
            .shown("the Pinterest placeholders");

    private MongoSinkSettings() {
    }
}
