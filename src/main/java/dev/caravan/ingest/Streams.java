package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.caravan.config.Settings;
import dev.caravan.config.StartupFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.ResourceHelper;

/**
 * The streams declared in configuration: for each name, caravan.streams.NAME.topic, .key and .schema (a classpath: or
 * file: JSON Schema). Adding a stream is three properties, no code. A stream without a key keys each record by a new
 * random UUID.
 */
public final class Streams {

    private static final String PREFIX = "caravan.streams.";
    private final Map<String, StreamDefinition> byName;

    public Streams(Map<String, StreamDefinition> byName) {
        this.byName = java.util.Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /** Reads every caravan.streams.* key the properties component knows and compiles the schemas. */
    public static Streams load(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        // .format and .avro-schema alone describe a polled stream's wire format, not an ingest stream
        java.util.SortedSet<String> names = Settings.declaredNames(pc, PREFIX, "topic", "key", "schema");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        Map<String, StreamDefinition> streams = new TreeMap<>();
        for (String name : names) {
            String topic = required(pc, name, "topic");
            // no key: each record gets a random UUID as its key (events without an identity of their own)
            String key = pc.resolveProperty(PREFIX + name + ".key").map(String::trim).filter(k -> !k.isEmpty())
                    .orElse(null);
            String schemaLocation = required(pc, name, "schema");
            JsonSchema schema;
            try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(context, schemaLocation)) {
                schema = factory.getSchema(in, config);
            } catch (IOException | RuntimeException e) {
                throw new StartupFailure("stream " + name + ": cannot read JSON Schema " + schemaLocation + " ("
                        + PREFIX + name + ".schema): " + e.getMessage());
            }
            streams.put(name, new StreamDefinition(name, topic, key, schemaLocation, schema));
        }
        return new Streams(streams);
    }

    private static String required(PropertiesComponent pc, String stream, String field) {
        String key = PREFIX + stream + "." + field;
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty())
                .orElseThrow(() -> new StartupFailure("stream " + stream + " has no " + key));
    }

    /** The stream, or a 404 problem naming the ones that exist. */
    public StreamDefinition get(String name) {
        StreamDefinition stream = name == null ? null : byName.get(name);
        if (stream == null) {
            throw new ProblemException(404, "Not Found", "no stream named '" + name + "'; streams: "
                    + String.join(", ", byName.keySet()));
        }
        return stream;
    }

    /** The stream writing to this topic, or null. */
    public StreamDefinition byTopic(String topic) {
        return byName.values().stream().filter(s -> s.topic().equals(topic)).findFirst().orElse(null);
    }

    public Collection<StreamDefinition> all() {
        return byName.values();
    }
}
