package dev.caravan.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import dev.caravan.settings.KeyFamily;
import dev.caravan.settings.SettingsCatalogue;
import dev.caravan.settings.StartupFailure;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The settings of every Kafka client Caravan makes, from one place, as Kafka Connect's worker settings are: the
 * bootstrap servers, {@code caravan.kafka.client.*} passed through to every client (security.protocol, sasl.*, ssl.*
 * and anything else Kafka accepts), then {@code caravan.kafka.producer.*}, {@code .consumer.*} or {@code .admin.*}
 * for one role. Each can also come from the environment: {@code CARAVAN_KAFKA_CLIENT_SASL_JAAS_CONFIG} is
 * {@code caravan.kafka.client.sasl.jaas.config}. The settings Caravan's guarantees rest on cannot be overridden, and
 * the values are never logged (they hold passwords).
 */
public final class KafkaClientConfig {

    public enum Role { PRODUCER, CONSUMER, ADMIN }

    /** The key family of each part: client (every client), producer, consumer, admin. */
    private static final Map<String, KeyFamily> PARTS = Map.of("client", SettingsCatalogue.KAFKA_CLIENT,
            "producer", SettingsCatalogue.KAFKA_PRODUCER, "consumer", SettingsCatalogue.KAFKA_CONSUMER,
            "admin", SettingsCatalogue.KAFKA_ADMIN);

    /** What the delivery guarantees rest on: Caravan sets these, a user setting would silently break them. */
    private static final Map<Role, Set<String>> PROTECTED = Map.of(
            Role.PRODUCER, Set.of("acks", "enable.idempotence", "transactional.id", "key.serializer", "value.serializer"),
            Role.CONSUMER, Set.of("enable.auto.commit", "isolation.level", "group.id", "key.deserializer",
                    "value.deserializer"),
            Role.ADMIN, Set.of());

    private final String brokers;
    private final Map<String, String> client;
    private final Map<Role, Map<String, String>> roles;

    public KafkaClientConfig(String brokers, Map<String, String> client, Map<Role, Map<String, String>> roles) {
        this.brokers = brokers;
        this.client = Map.copyOf(client);
        this.roles = Map.copyOf(roles);
        check("client", this.client, Set.of("bootstrap.servers"));
        for (Role role : Role.values()) {
            check(role.name().toLowerCase(Locale.ROOT), this.roles.getOrDefault(role, Map.of()), PROTECTED.get(role));
        }
    }

    /** Only the broker list (tests, and the embedded broker with nothing else set). */
    public static KafkaClientConfig plain(String brokers) {
        return new KafkaClientConfig(brokers, Map.of(), Map.of());
    }

    /** caravan.kafka.{client,producer,consumer,admin}.* from the properties and the environment. */
    public static KafkaClientConfig load(PropertiesComponent properties, String brokers, Map<String, String> env) {
        Map<String, String> client = collect(properties, env, "client");
        Map<Role, Map<String, String>> roles = new java.util.EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            roles.put(role, collect(properties, env, role.name().toLowerCase(Locale.ROOT)));
        }
        return new KafkaClientConfig(brokers, client, roles);
    }

    private static Map<String, String> collect(PropertiesComponent properties, Map<String, String> env, String part) {
        String prefix = PARTS.get(part).prefix();
        Map<String, String> out = new TreeMap<>();
        Properties declared = properties.loadProperties(k -> k.startsWith(prefix));
        for (String key : declared.stringPropertyNames()) {
            properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                    .ifPresent(v -> out.put(key.substring(prefix.length()), v));
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> out.put(k.substring(prefix.length()), System.getProperty(k).trim()));
        String envPrefix = prefix.toUpperCase(Locale.ROOT).replace('.', '_');
        env.forEach((k, v) -> {
            if (k.startsWith(envPrefix) && !v.isBlank()) {
                // Kafka's setting names are lower case with dots: SASL_JAAS_CONFIG is sasl.jaas.config
                out.put(k.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v.trim());
            }
        });
        return out;
    }

    private static void check(String part, Map<String, String> settings, Set<String> refused) {
        for (String key : settings.keySet()) {
            if (refused.contains(key)) {
                throw new StartupFailure(PARTS.get(part).prefix() + key + " cannot be set: Caravan sets it itself"
                        + (key.equals("bootstrap.servers") ? " from caravan.kafka.brokers (KAFKA_BROKERS)"
                        : ", and its delivery guarantees rest on it"));
            }
        }
    }

    public String brokers() {
        return brokers;
    }

    /** True when clients authenticate or encrypt (anything but PLAINTEXT). */
    public String securityProtocol() {
        return client.getOrDefault("security.protocol", "PLAINTEXT");
    }

    /** A client's settings: the brokers, Caravan's own for this client, then the user's for every client and role. */
    public Properties properties(Role role, Map<String, ?> own) {
        Properties p = new Properties();
        p.put("bootstrap.servers", brokers);
        p.putAll(own);
        p.putAll(client);
        p.putAll(roles.getOrDefault(role, Map.of()));
        return p;
    }

    public Properties producer(Map<String, ?> own) {
        return properties(Role.PRODUCER, own);
    }

    public Properties consumer(Map<String, ?> own) {
        return properties(Role.CONSUMER, own);
    }

    public Properties admin(Map<String, ?> own) {
        return properties(Role.ADMIN, own);
    }

    /** Camel's settings for one of its endpoints, with the user's on top (security above all, which Camel defaults). */
    public Properties over(Properties camel, Role role) {
        Properties p = new Properties();
        p.putAll(camel);
        p.putAll(client);
        p.putAll(roles.getOrDefault(role, Map.of()));
        return p;
    }

    /** The names of the settings in use, for the banner: never their values. */
    public Set<String> names() {
        Set<String> names = new java.util.TreeSet<>(client.keySet());
        roles.forEach((role, m) -> m.keySet().forEach(k -> names.add(role.name().toLowerCase(Locale.ROOT) + "." + k)));
        return names;
    }

    @Override
    public String toString() {
        return "KafkaClientConfig[" + brokers + ", " + securityProtocol() + ", settings " + names() + "]";
    }
}
