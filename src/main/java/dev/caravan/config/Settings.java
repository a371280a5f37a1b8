package dev.caravan.config;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed reads of caravan.* keys through Camel's properties component, so -Dkey=value, KEY_AS_ENV and
 * application.properties all apply in Camel's usual order (system, environment, file in the working dir, jar).
 */
public final class Settings {

    /** Keys Caravan sets at start-up to the values actually in use (ports chosen, embedded or external addresses). */
    public static final String ACTIVE_HTTP_PORT = "caravan.active.http-port";
    public static final String ACTIVE_HTTP_HOST = "caravan.active.http-host";
    public static final String ACTIVE_KAFKA_BROKERS = "caravan.active.kafka-brokers";
    public static final String ACTIVE_MONGODB_URI = "caravan.active.mongodb-uri";

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    /** The trimmed value, empty when unset or blank. */
    public Optional<String> find(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        Optional<String> value = find(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new StartupFailure(key + " must be a whole number, got '" + value.get() + "'");
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> value = find(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new StartupFailure(key + " must be true or false, got '" + value.get() + "'");
        };
    }

    public Path dataDir() {
        return Path.of(get("caravan.data-dir", "data")).toAbsolutePath().normalize();
    }
}
