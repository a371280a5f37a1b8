package dev.caravan.settings;

import java.time.Duration;

/** Analytics: where results live and when they are computed. */
public final class MetricsSettings {

    public static final Setting<String> DIR = Setting.text("caravan.metrics.dir", "metrics",
            "Directory of declared metrics (*.yaml, read again when they change); when absent, those packaged in the jar");

    public static final Setting<String> COLLECTION = Setting.text("caravan.metrics.collection", "metrics",
            "MongoDB collection of metric results");

    public static final Setting<Duration> REFRESH = Setting.millis("caravan.metrics.refresh-ms", 10_000,
            "How often the stream results are recomputed from MongoDB, in ms");

    public static final Setting<Duration> IDLE_REFRESH = Setting.millis("caravan.metrics.idle-refresh-ms", 300_000,
            "Longest the stream results go unrefreshed while the sink wrote nothing they read, in ms (0 = always)");

    public static final Setting<Integer> SQL_MEMORY = Setting.integer("caravan.metrics.sql-memory-mb", 0,
            "Cap on the memory the batch queries' engine (DuckDB, in this process, outside the heap) accounts for, in "
            + "MB, spilling beyond it to DATA_DIR/lake-sql-spill; 0 = DuckDB's default, 80 % of the machine's memory")
            .shown("0 (see README, Analytics: its JSON reader accounts for far more than it touches)");

    public static final Setting<String> RECOMPUTE_CRON = Setting.text("caravan.metrics.recompute-cron", "0 0 2 * * ?",
            "When the batch recomputes every metric from the lake (Quartz cron, UTC)")
            .shown("0 0 2 * * ? (02:00 daily)");

    public static final Setting<String> NAMESPACE = Setting.text("caravan.metrics.namespace", "caravan-metrics",
            "Leadership the daily batch holds, so one replica runs it");

    private MetricsSettings() {
    }
}
