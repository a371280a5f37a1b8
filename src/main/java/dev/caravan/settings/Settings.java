package dev.caravan.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed reads of caravan.* keys through Camel's properties component, so -Dkey=value, KEY_AS_ENV and
 * application.properties all apply in Camel's usual order (system, environment, file in the working dir, jar).
 */
public final class Settings {

    /** Keys Caravan sets at start-up to the values actually in use (ports chosen, embedded or external addresses). */
    public static final String ACTIVE_HTTP_PORT = SettingsCatalogue.ACTIVE.key("http-port");

    public static final String ACTIVE_HTTP_HOST = SettingsCatalogue.ACTIVE.key("http-host");

    public static final String ACTIVE_KAFKA_BROKERS = SettingsCatalogue.ACTIVE.key("kafka-brokers");

    public static final String ACTIVE_MONGODB_URI = SettingsCatalogue.ACTIVE.key("mongodb-uri");

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
    private static final String CHECKED = "caravanSettingsChecked";

    private final PropertiesComponent properties;

    private final CamelContext context;

    public Settings(CamelContext context) {
        this.context = context;
        this.properties = context.getPropertiesComponent();
    }

    /** The setting's value, typed; its declared default when unset or blank; a bad value stops the start. */
    public <T> T get(Setting<T> setting) {
        try {
            return setting.parse(properties.resolveProperty(setting.key()).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage());
        }
    }

    /**
     * Reads every declared setting once, so a bad value stops the start before anything is started, even for a key
     * only a route reads; every bad value is named in the one line, not just the first. A caravan.* key that is not
     * declared (a typo) is logged as a warning with the nearest declared key.
     */
    public void checkAll() {
        if (context.getRegistry().lookupByName(CHECKED) != null) {
            return; // the start-up listener checked them already, before the configurations ran
        }
        List<String> bad = new ArrayList<>();
        Set<String> declared = new HashSet<>();
        for (SettingGroup group : SettingsCatalogue.GROUPS) {
            for (Setting<?> setting : group.settings()) {
                declared.add(setting.key());
                try {
                    check(setting);
                } catch (IllegalArgumentException e) {
                    bad.add(e.getMessage());
                }
            }
        }
        if (!bad.isEmpty()) {
            throw new StartupFailure(String.join("; ", bad));
        }
        warnOfUnknownKeys(declared);
        context.getRegistry().bind(CHECKED, Boolean.TRUE);
    }

    /** Parses the value; a duration written with units (30s for a -ms key) is handed on as the whole number. */
    private void check(Setting<?> setting) {
        String raw = properties.resolveProperty(setting.key()).orElse(null);
        if (setting.parse(raw) instanceof Duration d && raw != null && !raw.strip().matches("\\d+")) {
            // routes' options that take a plain number read it as one too
            properties.addOverrideProperty(setting.key(),
                    String.valueOf(setting.type().equals("s") ? d.toSeconds() : d.toMillis()));
        }
    }

    private void warnOfUnknownKeys(Set<String> declared) {
        List<String> names = new ArrayList<>(properties.loadProperties(k -> k.startsWith("caravan."))
                .stringPropertyNames());
        names.addAll(System.getProperties().stringPropertyNames());
        UnknownKeys.find(names, declared, SettingsCatalogue.FAMILIES.stream().map(KeyFamily::prefix).toList())
                .forEach(LOG::warn);
    }

    /** The trimmed value of a text setting, empty when unset or blank (an optional setting: no default applies). */
    public Optional<String> find(Setting<String> setting) {
        return find(setting.key());
    }

    /** The trimmed value of a key of a family ({@link SettingsCatalogue#FAMILIES}) or a runtime key, if set. */
    public Optional<String> find(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    public Path dataDir() {
        return Path.of(get(EmbeddedSettings.DATA_DIR)).toAbsolutePath().normalize();
    }
}
