package dev.caravan.sink.mongo;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.bson.Document;

/** The collection specs by record type, and the step that turns a cleaned document into a pending write. */
public final class MongoWrites {

    private final Map<String, CollectionSpec> byType;

    public MongoWrites(Map<String, CollectionSpec> byType) {
        this.byType = Map.copyOf(byType);
    }

    public CollectionSpec spec(String type) {
        CollectionSpec spec = byType.get(type);
        if (spec == null) {
            throw new IllegalStateException("no collection configured for record type " + type);
        }
        return spec;
    }

    public Iterable<CollectionSpec> all() {
        return byType.values();
    }

    /** Write stage input: the cleaned document of {@code type}, keyed by its business key. */
    public PendingWrite pending(Document cleaned, String type, Exchange exchange) {
        CollectionSpec spec = spec(type);
        Document filter = new Document();
        for (String field : spec.keyFields()) {
            Object v = cleaned.get(field);
            if (v == null) {
                throw new IllegalArgumentException("the business key field " + field + " is missing or empty");
            }
            filter.append(field, v);
        }
        return new PendingWrite(spec, filter, cleaned, source(exchange));
    }

    /** The original record from the Kafka headers and body of a split batch element. */
    public static SourceRecord source(Exchange exchange) {
        var m = exchange.getMessage();
        Object key = m.getHeader(KafkaConstants.KEY);
        byte[] keyBytes = key == null ? null : key instanceof byte[] b ? b : key.toString().getBytes(StandardCharsets.UTF_8);
        byte[] value = exchange.getProperty(ORIGINAL_VALUE, byte[].class);
        Map<String, byte[]> headers = new HashMap<>();
        Object attempts = m.getHeader("caravan.attempts");
        if (attempts instanceof byte[] b) {
            headers.put("caravan.attempts", b);
        }
        return new SourceRecord(m.getHeader(KafkaConstants.TOPIC, String.class),
                m.getHeader(KafkaConstants.PARTITION, Integer.class), m.getHeader(KafkaConstants.OFFSET, Long.class),
                keyBytes, value, headers);
    }

    /** Exchange property with the record's original value bytes, kept for the dead-letter topic. */
    public static final String ORIGINAL_VALUE = "caravanOriginalValue";

    static List<String> keys(String csv) {
        return List.of(csv.split("\\s*,\\s*"));
    }
}
