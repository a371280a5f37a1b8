package dev.caravan.settings;

import java.time.Duration;

/** The lake sink: group, flows, rotation, codecs and compaction. */
public final class LakeSettings {

    public static final Setting<String> GROUP = Setting.text("caravan.lake.group", "caravan-lake",
            "Consumer group of the lake sink");

    public static final Setting<String> FLOWS = Setting.text("caravan.lake.flows", "*",
            "Flows the lake sink stores, comma-separated names (* = every flow with lake zones, empty = none)");

    public static final Setting<Integer> FLUSH_RECORDS = Setting.integer("caravan.lake.flush-records", 10_000,
            "Records per partition that close a file set");

    public static final Setting<Long> FLUSH_BYTES = Setting.longInt("caravan.lake.flush-bytes", 67_108_864L,
            "Bytes (record values) per partition that close a file set")
            .shown("67108864 (64 MiB)");

    public static final Setting<Duration> ROTATE_INTERVAL = Setting.millis("caravan.lake.rotate-interval-ms", 60_000,
            "Longest a partition's file set stays open, wall clock, in ms (quiet topics still land)");

    public static final Setting<Duration> CHECK_INTERVAL = Setting.millis("caravan.lake.check-interval-ms", 1_000,
            "How often the rotation timer looks for file sets to close, in ms");

    public static final Setting<Integer> BATCH_SIZE = Setting.integer("caravan.lake.batch-size", 2_000,
            "Most records per consumer batch");

    public static final Setting<Duration> BATCH_INTERVAL = Setting.millis("caravan.lake.batch-interval-ms", 1_000,
            "A batch that is not full is handed over after this many ms");

    public static final Setting<Integer> GZIP_THREADS = Setting.integer("caravan.lake.gzip-threads", 1,
            "Threads that gzip NDJSON lake files beside the consumer thread (0 = the consumer thread does it)");

    public static final Setting<String> AVRO_CODEC = Setting.text("caravan.lake.avro-codec", "deflate",
            "Compression of Avro lake files: deflate, snappy or null");

    public static final Setting<String> PARQUET_CODEC = Setting.text("caravan.lake.parquet-codec", "zstd",
            "Compression of Parquet lake files (a flow's lakeFormat: parquet): zstd, snappy or none");

    public static final Setting<String> COMPACTION_DAILY_CRON =
            Setting.text("caravan.lake.compaction.daily-cron", "0 30 0 * * ?",
            "Compaction of past days' small files, daily (Quartz cron, UTC)")
            .shown("0 30 0 * * ? (00:30)");

    public static final Setting<String> COMPACTION_WEEKLY_CRON =
            Setting.text("caravan.lake.compaction.weekly-cron", "0 30 1 ? * MON",
            "Compaction of the weekly lists, weekly (Quartz cron, UTC)")
            .shown("0 30 1 ? * MON (Mondays 01:30)");

    public static final Setting<String> COMPACTION_NAMESPACE =
            Setting.text("caravan.lake.compaction.namespace", "caravan-lake-compaction",
            "Leadership the compaction routes hold, so one replica compacts");

    private LakeSettings() {
    }
}
