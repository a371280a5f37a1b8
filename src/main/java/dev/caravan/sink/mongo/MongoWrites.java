package dev.caravan.sink.mongo;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.config.StartupFailure;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.bson.Document;

/** The collection specs by record type, and the step that turns a cleaned document into a pending write. */
public final class MongoWrites {

    private final Map<String, CollectionSpec> byType;
    private final Map<String, String> joinParts;
    private final String joinType;

    public MongoWrites(Map<String, CollectionSpec> byType) {
        this(byType, null, Map.of());
    }

    /**
     * With a join: records of the types in {@code joinParts} (type -> sub-document name) are also written, merged by
     * their join key, into the collection of {@code joinType} (the pin, geo and user records of one post -> posts).
     */
    public MongoWrites(Map<String, CollectionSpec> byType, String joinType, Map<String, String> joinParts) {
        this.byType = Map.copyOf(byType);
        this.joinType = joinType;
        this.joinParts = Map.copyOf(joinParts);
        if (joinType != null && !joinParts.isEmpty() && spec(joinType).mode() != CollectionSpec.Mode.MERGE) {
            throw new IllegalStateException("the join collection " + joinType + " must use mode merge");
        }
        java.util.SortedSet<String> joinable = new java.util.TreeSet<>(byType.keySet());
        if (joinType != null) {
            joinable.remove(joinType);
        }
        for (String type : joinParts.keySet()) {
            // a misspelt type would silently leave its records out of the join
            if (!joinable.contains(type)) {
                throw new StartupFailure("caravan.mongo.join.parts names record type '" + type + "', which is not one of "
                        + joinable + "; leave it empty for no join");
            }
        }
    }

    /** caravan.mongo.join.parts: type:sub-document pairs, comma-separated. */
    public static Map<String, String> parts(String spec) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                out.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
            }
        }
        return out;
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

    /**
     * Write stage input: the cleaned document of {@code type}, keyed by its business key; for a join part also its
     * part of the joined document (a list of two writes then).
     */
    public Object pending(Document cleaned, String type, Exchange exchange) {
        PendingWrite own = write(cleaned, type, exchange);
        String part = joinParts.get(type);
        if (part == null) {
            return own;
        }
        CollectionSpec join = spec(joinType);
        Document partDoc = new Document();
        for (String field : join.keyFields()) {
            // one type for the join key whichever part brings it, so the parts of a post meet in one batch entry
            Object v = cleaned.get(field);
            partDoc.append(field, v instanceof Integer || v instanceof Short ? ((Number) v).longValue() : v);
        }
        Document sub = new Document(cleaned);
        sub.remove("_id");
        partDoc.append(part, sub);
        return List.of(own, write(partDoc, joinType, exchange));
    }

    private PendingWrite write(Document cleaned, String type, Exchange exchange) {
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
