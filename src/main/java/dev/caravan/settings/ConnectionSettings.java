package dev.caravan.settings;

import java.time.Duration;

/** The external Kafka, MongoDB and S3 (empty: the embedded ones). */
public final class ConnectionSettings {

    public static final Setting<String> KAFKA_BROKERS = Setting.text("caravan.kafka.brokers", "",
            "Kafka bootstrap servers, host:port[,host:port]")
            .env("KAFKA_BROKERS")
            .shown("empty = embedded broker");

    public static final Setting<String> MONGODB_URI = Setting.text("caravan.mongodb.uri", "",
            "MongoDB connection string")
            .env("MONGODB_URI")
            .shown("empty = embedded server");

    public static final Setting<String> MONGODB_DATABASE = Setting.text("caravan.mongodb.database", "caravan",
            "MongoDB database")
            .env("MONGODB_DATABASE");

    public static final Setting<Duration> MONGODB_SERVER_SELECTION_TIMEOUT =
            Setting.millis("caravan.mongodb.server-selection-timeout-ms", 10_000,
            "How long a MongoDB call waits for a reachable server, in ms");

    public static final Setting<String> S3_ENDPOINT = Setting.text("caravan.s3.endpoint", "",
            "S3 endpoint URL (MinIO, Ceph, https://s3.REGION.amazonaws.com)")
            .env("S3_ENDPOINT")
            .shown("empty = embedded server");

    public static final Setting<String> S3_ACCESS_KEY = Setting.text("caravan.s3.access-key", "",
            "S3 access key")
            .env("S3_ACCESS_KEY")
            .shown("empty = the AWS default credentials chain (embedded: caravan.embedded.s3.access-key)");

    public static final Setting<String> S3_SECRET_KEY = Setting.text("caravan.s3.secret-key", "",
            "S3 secret key, from the environment only")
            .env("S3_SECRET_KEY");

    public static final Setting<String> S3_REGION = Setting.text("caravan.s3.region", "us-east-1",
            "S3 region")
            .env("S3_REGION");

    public static final Setting<String> S3_BUCKET = Setting.text("caravan.s3.bucket", "caravan-lake",
            "Bucket of the data lake, created when missing")
            .env("S3_BUCKET");

    public static final Setting<String> S3_PREFIX = Setting.text("caravan.s3.prefix", "",
            "Key prefix of every lake object inside the bucket");

    public static final Setting<Boolean> S3_FORCE_PATH_STYLE = Setting.flag("caravan.s3.force-path-style", true,
            "Path-style S3 URLs (needed by MinIO and the embedded server; false for AWS virtual-hosted style)");

    private ConnectionSettings() {
    }
}
