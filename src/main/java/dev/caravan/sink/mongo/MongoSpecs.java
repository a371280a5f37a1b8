package dev.caravan.sink.mongo;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.caravan.config.StartupFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Reads caravan.mongo.collections.TYPE.{name,key,mode,newer-field}: one collection per record type. */
public final class MongoSpecs {

    private static final String PREFIX = "caravan.mongo.collections.";

    private MongoSpecs() {
    }

    public static Map<String, CollectionSpec> load(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Properties declared = pc.loadProperties(k -> k.startsWith(PREFIX));
        TreeSet<String> types = new TreeSet<>();
        for (String key : declared.stringPropertyNames()) {
            String rest = key.substring(PREFIX.length());
            if (rest.indexOf('.') > 0) {
                types.add(rest.substring(0, rest.indexOf('.')));
            }
        }
        Map<String, CollectionSpec> specs = new TreeMap<>();
        for (String type : types) {
            String name = value(pc, type, "name", type);
            String key = value(pc, type, "key", null);
            if (key == null) {
                throw new StartupFailure("collection " + type + " has no " + PREFIX + type + ".key");
            }
            String mode = value(pc, type, "mode", "replace").toUpperCase(Locale.ROOT);
            CollectionSpec.Mode m;
            try {
                m = CollectionSpec.Mode.valueOf(mode);
            } catch (IllegalArgumentException e) {
                throw new StartupFailure(PREFIX + type + ".mode must be replace or merge, got " + mode.toLowerCase());
            }
            specs.put(type, new CollectionSpec(type, name, MongoWrites.keys(key), m, value(pc, type, "newer-field", null)));
        }
        return specs;
    }

    private static String value(PropertiesComponent pc, String type, String field, String defaultValue) {
        return pc.resolveProperty(PREFIX + type + "." + field).map(String::trim).filter(s -> !s.isEmpty())
                .orElse(defaultValue);
    }
}
