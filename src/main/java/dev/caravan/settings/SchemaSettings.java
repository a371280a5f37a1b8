package dev.caravan.settings;

import java.time.Duration;

/** The schema registry (remote or embedded) and compatibility rules. */
public final class SchemaSettings {

    public static final Setting<String> REGISTRY_URL = Setting.text("caravan.schema.registry.url", "",
            "Base URL of the Confluent-compatible REST API, e.g. http://registry:8081 (empty: embedded)")
            .env("SCHEMA_REGISTRY_URL");

    public static final Setting<String> REGISTRY_USER = Setting.text("caravan.schema.registry.user", "",
            "Basic auth user for the registry (empty: no auth)")
            .env("SCHEMA_REGISTRY_USER");

    public static final Setting<String> REGISTRY_PASSWORD = Setting.text("caravan.schema.registry.password", "",
            "Basic auth password for the registry, from the environment only")
            .env("SCHEMA_REGISTRY_PASSWORD");

    public static final Setting<String> REGISTRY_TOPIC =
            Setting.text("caravan.schema.registry.topic", "_caravan_schemas",
            "Compacted topic of the embedded registry (one partition)");

    public static final Setting<Duration> REGISTRY_TIMEOUT =
            Setting.millis("caravan.schema.registry.timeout-ms", 10_000,
            "Longest wait for the registry (REST call, or reading/writing its topic), in ms");

    public static final Setting<String> COMPATIBILITY = Setting.text("caravan.schema.compatibility", "BACKWARD",
            "Rule a subject's new schema versions are checked against (BACKWARD, BACKWARD_TRANSITIVE, FORWARD, " +
            "FULL, NONE...); per subject: caravan.schema.compatibility.<topic>-value; used by the embedded " +
            "registry");

    public static final Setting<String> API_PATH = Setting.text("caravan.schema.api-path", "/registry",
            "Base path of the embedded registry's read API (GET .../schemas/ids/{id}, .../subjects...)");

    private SchemaSettings() {
    }
}
