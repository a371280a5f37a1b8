package dev.caravan.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.Settings;
import dev.caravan.config.StartupFailure;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.ResourceHelper;

/**
 * How each stream's records travel on Kafka: JSON (the default) or Avro in the Confluent wire format
 * ({@code caravan.streams.NAME.format}). Producers encode through {@link #encode}, consumers decode by the magic byte,
 * not by the setting, so a topic whose format was switched still reads its older records.
 */
public final class StreamFormats {

    private static final String PREFIX = "caravan.streams.";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** One stream: its topic, its format, and its Avro schema (null when it has none). */
    public record Stream(String name, String topic, boolean avro, Schema schema) {
        public String subject() {
            return SchemaRegistry.valueSubject(topic);
        }
    }

    /** A record read from the wire: in the reader's schema, with the writer's id and schema. */
    public record Decoded(GenericRecord record, int schemaId, Schema writer) {
        public Map<String, Object> map() {
            return JsonAvro.toMap(record);
        }
    }

    private final Map<String, Stream> byTopic;
    private final SchemaRegistry registry;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();

    public StreamFormats(Collection<Stream> streams, SchemaRegistry registry) {
        Map<String, Stream> m = new TreeMap<>();
        streams.forEach(s -> m.put(s.topic(), s));
        this.byTopic = Map.copyOf(m);
        this.registry = registry;
    }

    /**
     * Every stream named by a caravan.streams.NAME.topic or .format key: its topic is caravan.streams.NAME.topic, or
     * caravan.topics.NAME for a polled stream; its schema caravan.streams.NAME.avro-schema, by default
     * classpath:avro/NAME.avsc (optional for JSON streams, required for Avro ones).
     */
    public static StreamFormats load(CamelContext context, SchemaRegistry registry) {
        PropertiesComponent pc = context.getPropertiesComponent();
        java.util.List<Stream> streams = new java.util.ArrayList<>();
        for (String name : Settings.declaredNames(pc, PREFIX, "topic", "format")) {
            String topic = value(pc, PREFIX + name + ".topic");
            topic = topic != null ? topic : value(pc, "caravan.topics." + name);
            if (topic == null) {
                throw new StartupFailure("stream " + name + " has a format but no topic: set " + PREFIX + name
                        + ".topic (or caravan.topics." + name + " for a polled stream)");
            }
            String format = java.util.Objects.requireNonNullElse(value(pc, PREFIX + name + ".format"), "json")
                    .toLowerCase(Locale.ROOT);
            if (!format.equals("json") && !format.equals("avro")) {
                throw new StartupFailure(PREFIX + name + ".format is '" + format + "': json or avro");
            }
            boolean avro = format.equals("avro");
            String configured = value(pc, PREFIX + name + ".avro-schema");
            String location = configured != null ? configured : "classpath:avro/" + name + ".avsc";
            Schema schema = null;
            try (InputStream in = ResourceHelper.resolveResourceAsInputStream(context, location)) {
                if (in != null) {
                    schema = new Schema.Parser().parse(in);
                }
            } catch (IOException | RuntimeException e) {
                throw new StartupFailure("stream " + name + ": cannot read Avro schema " + location + ": "
                        + e.getMessage());
            }
            if (schema == null && (avro || configured != null)) {
                throw new StartupFailure("stream " + name + " is Avro but has no schema at " + location + " (set "
                        + PREFIX + name + ".avro-schema)");
            }
            streams.add(new Stream(name, topic, avro, schema));
        }
        return new StreamFormats(streams, registry);
    }

    private static String value(PropertiesComponent pc, String key) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    }

    public Stream stream(String topic) {
        return byTopic.get(topic);
    }

    public boolean isAvro(String topic) {
        Stream s = byTopic.get(topic);
        return s != null && s.avro();
    }

    public Collection<Stream> all() {
        return byTopic.values();
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /** True when the bytes start like a Confluent wire record: JSON never starts with a zero byte. */
    public static boolean isWire(byte[] value) {
        return value != null && value.length > 0 && value[0] == ConfluentWire.MAGIC;
    }

    /**
     * A record as the topic's value bytes: compact UTF-8 JSON, or for an Avro stream the Confluent wire bytes under
     * the schema registered (on first use) for the topic's subject. A record that does not fit the schema throws
     * {@link JsonAvroException} naming the field; strict refuses fields the schema does not have, so nothing is
     * dropped silently.
     */
    public byte[] encode(String topic, JsonNode record, boolean strict) {
        Stream s = byTopic.get(topic);
        if (s == null || !s.avro()) {
            try {
                return JSON.writeValueAsBytes(record);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        GenericRecord r = (strict ? JsonAvro.rejectingUnknownFields() : JsonAvro.ignoringUnknownFields())
                .toRecord(record, s.schema());
        return ConfluentWire.encode(schemaId(s), s.schema(), r);
    }

    /** A poller's record (JSON text) as the topic's value bytes; fields the schema lacks are left out. */
    public byte[] encodeJson(String json, String topic) throws IOException {
        if (!isAvro(topic)) {
            return json.getBytes(StandardCharsets.UTF_8);
        }
        return encode(topic, JSON.readTree(json), false);
    }

    /** The id of the stream's schema, registered under its subject the first time it is needed. */
    public int schemaId(Stream s) {
        return ids.computeIfAbsent(s.topic(), t -> registry.register(s.subject(), s.schema()));
    }

    /**
     * Wire bytes read back: the writer's schema found by id, the record resolved to the topic's own schema (so old
     * and new versions read as one shape), or to the writer's when the topic has none.
     */
    public Decoded decode(String topic, byte[] value) {
        int id = ConfluentWire.schemaId(value);
        Schema writer = registry.byId(id);
        if (writer == null) {
            throw new UnknownSchemaIdException(id);
        }
        Stream s = byTopic.get(topic);
        Schema reader = s != null && s.schema() != null ? s.schema() : writer;
        return new Decoded(ConfluentWire.decode(value, i -> writer, reader), id, writer);
    }
}
