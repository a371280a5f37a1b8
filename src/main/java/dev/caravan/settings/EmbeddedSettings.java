package dev.caravan.settings;

/** Where data lives and which servers Caravan embeds. */
public final class EmbeddedSettings {

    public static final Setting<String> DATA_DIR = Setting.text("caravan.data-dir", "data",
            "Directory of the embedded servers' data (Kafka log, MongoDB file, S3 objects)")
            .shown("./data");

    public static final Setting<Boolean> EMBEDDED = Setting.flag("caravan.embedded", true,
            "Allow embedded servers for every address not configured; false makes a missing address a start-up " +
            "error");

    public static final Setting<String> EMBEDDED_HOST = Setting.text("caravan.embedded.host", "127.0.0.1",
            "Interface the embedded servers bind to")
            .shown("127.0.0.1 (loopback only)");

    public static final Setting<Integer> EMBEDDED_KAFKA_PORT = Setting.integer("caravan.embedded.kafka.port", 9_092,
            "Embedded Kafka broker port, 0 = any free port");

    public static final Setting<Integer> EMBEDDED_KAFKA_PARTITIONS =
            Setting.integer("caravan.embedded.kafka.partitions", 3,
            "Partitions of topics the embedded broker creates on first use");

    public static final Setting<Integer> EMBEDDED_MONGO_PORT = Setting.integer("caravan.embedded.mongo.port", 27_017,
            "Embedded MongoDB port, 0 = any free port");

    public static final Setting<Integer> EMBEDDED_S3_PORT = Setting.integer("caravan.embedded.s3.port", 9_000,
            "Embedded S3 API port, 0 = any free port");

    public static final Setting<String> EMBEDDED_S3_ACCESS_KEY =
            Setting.text("caravan.embedded.s3.access-key", "caravan",
            "Access key of the embedded S3 server (a local development credential)");

    public static final Setting<String> EMBEDDED_S3_SECRET_KEY =
            Setting.text("caravan.embedded.s3.secret-key", "caravan-embedded",
            "Secret key of the embedded S3 server (local development only; real S3 uses S3_SECRET_KEY)")
            .env("CARAVAN_EMBEDDED_S3_SECRET_KEY");

    private EmbeddedSettings() {
    }
}
