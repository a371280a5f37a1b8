package dev.caravan.settings;

import java.time.Duration;

/** Long operations over HTTP. */
public final class OpsSettings {

    public static final Setting<Integer> CONCURRENCY = Setting.integer("caravan.ops.concurrency", 2,
            "Operations that may run at once; one more is refused with 429");

    public static final Setting<Duration> WAIT = Setting.millis("caravan.ops.wait-ms", 10_000,
            "How long a request waits for its operation before it answers 202 with the operation's URL, in ms");

    private OpsSettings() {
    }
}
