package dev.caravan.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.support.ResourceHelper;

/**
 * How each flow's records travel on Kafka: JSON (the default) or Avro in the Confluent wire format (the flow's
 * {@code format}). Producers encode through {@link #encode}, consumers decode by the magic byte,
 * not by the setting, so a topic whose format was switched still reads its older records.
 */
public final class StreamFormats {

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

    private volatile Map<String, Stream> byTopic;
    /** Read on first use when start-up did not read them yet; null: fixed streams. */
    private dev.caravan.flow.Flows flows;
    private final SchemaRegistry registry;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();

    public StreamFormats(Collection<Stream> streams, SchemaRegistry registry) {
        Map<String, Stream> m = new TreeMap<>();
        streams.forEach(s -> m.put(s.topic(), s));
        this.byTopic = Map.copyOf(m);
        this.registry = registry;
    }

    /**
     * The format of every flow's records, kept in step with the flows: JSON, or Avro with the schema at
     * classpath:avro/NAME.avsc (optional for a JSON flow, required for an Avro one: a flow without it is refused).
     */
    public static StreamFormats of(dev.caravan.flow.Flows flows, CamelContext context, SchemaRegistry registry) {
        StreamFormats formats = new StreamFormats(List.of(), registry);
        Map<String, Stream> prepared = new ConcurrentHashMap<>();
        flows.checkWith(all -> {
            for (dev.caravan.flow.Flow f : all) {
                prepared.put(f.name() + "|" + f.topic() + "|" + f.format(), stream(context, f));
            }
        });
        flows.onChange(f -> formats.take(f.all().stream().map(flow -> prepared.computeIfAbsent(
                flow.name() + "|" + flow.topic() + "|" + flow.format(), k -> stream(context, flow))).toList()));
        formats.flows = flows;
        return formats;
    }

    private static Stream stream(CamelContext context, dev.caravan.flow.Flow flow) {
        boolean avro = flow.format().equals("avro");
        String location = "classpath:avro/" + flow.name() + ".avsc";
        Schema schema = null;
        try (InputStream in = ResourceHelper.resolveResourceAsInputStream(context, location)) {
            if (in != null) {
                schema = new Schema.Parser().parse(in);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(flow.source() + ": flow " + flow.name() + ": cannot read its Avro "
                    + "schema " + location + ": " + e.getMessage());
        }
        if (schema == null && avro) {
            throw new IllegalArgumentException(flow.source() + ": flow " + flow.name() + " is Avro but has no schema "
                    + "at " + location);
        }
        return new Stream(flow.name(), flow.topic(), avro, schema);
    }

    private void take(Collection<Stream> streams) {
        Map<String, Stream> m = new TreeMap<>();
        streams.forEach(st -> m.put(st.topic(), st));
        byTopic = Map.copyOf(m);
    }


    public Stream stream(String topic) {
        ensureRead();
        return byTopic.get(topic);
    }

    public boolean isAvro(String topic) {
        ensureRead();
        Stream s = byTopic.get(topic);
        return s != null && s.avro();
    }

    public Collection<Stream> all() {
        ensureRead();
        return byTopic.values();
    }

    private void ensureRead() {
        if (flows != null) {
            flows.all();
        }
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
