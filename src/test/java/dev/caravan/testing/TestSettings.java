package dev.caravan.testing;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import dev.caravan.settings.Settings;

/** Typed settings over these values only, as -D options would set them, without starting anything. */
public final class TestSettings {

    private TestSettings() {
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(context(values));
    }

    /** A context, not started, whose properties are these values. */
    public static CamelContext context(Map<String, String> values) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(values);
        context.getPropertiesComponent().setInitialProperties(p);
        return context;
    }
}
