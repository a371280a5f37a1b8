package dev.caravan.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.caravan.api.ProblemException;
import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import org.apache.camel.CamelContext;
import org.apache.camel.support.ResourceHelper;

/**
 * The streams records can be posted to: every flow that declares a JSON Schema, under the flow's name, with its topic,
 * its key field (none: a random UUID per record) and its compiled schema. They follow the flow files: a new flow is
 * a new stream after its file is reloaded, and a schema that does not compile refuses the file.
 */
public final class Streams {

    private volatile Map<String, StreamDefinition> byName = Map.of();
    /** Read on first use when start-up did not read them yet (an embedding without FlowsSetup); null: fixed streams. */
    private Flows flows;
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    /** Fixed streams (tests). */
    public Streams(Map<String, StreamDefinition> byName) {
        this.byName = java.util.Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /** The streams of the flows, kept in step with them. */
    public static Streams of(Flows flows, CamelContext context) {
        Streams streams = new Streams(Map.of());
        flows.checkWith(all -> all.stream().filter(f -> f.schema() != null).forEach(f -> streams.schema(context, f)));
        flows.onChange(f -> streams.take(f.all(), context));
        streams.flows = flows;
        return streams;
    }

    private void take(Collection<Flow> flows, CamelContext context) {
        Map<String, StreamDefinition> next = new TreeMap<>();
        for (Flow f : flows) {
            if (f.schema() != null) {
                next.put(f.name(), new StreamDefinition(f.name(), f.topic(), f.key(), f.schema(), schema(context, f)));
            }
        }
        byName = java.util.Collections.unmodifiableMap(next);
    }

    /** The flow's JSON Schema, compiled once per location. */
    private JsonSchema schema(CamelContext context, Flow flow) {
        return compiled.computeIfAbsent(flow.schema(), location -> {
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
            try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(context, location)) {
                return factory.getSchema(in, config);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(flow.source() + ": flow " + flow.name() + ": cannot read its JSON "
                        + "Schema " + location + ": " + e.getMessage());
            }
        });
    }

    private void ensureRead() {
        if (flows != null) {
            flows.all();
        }
    }

    /** The stream, or a 404 problem naming the ones that exist. */
    public StreamDefinition get(String name) {
        ensureRead();
        StreamDefinition stream = name == null ? null : byName.get(name);
        if (stream == null) {
            throw new ProblemException(404, "Not Found", "no stream named '" + name + "'; streams: "
                    + String.join(", ", byName.keySet()));
        }
        return stream;
    }

    /** The stream writing to this topic, or null. */
    public StreamDefinition byTopic(String topic) {
        ensureRead();
        return byName.values().stream().filter(s -> s.topic().equals(topic)).findFirst().orElse(null);
    }

    public Collection<StreamDefinition> all() {
        ensureRead();
        return byName.values();
    }
}
