package dev.caravan.sink.mongo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.bson.Document;

/**
 * The write stage of a flow's record: its cleaned document keyed by the flow's business key, and for a flow that
 * joins (a pin, geo or user record into posts) also its part of the joined document. Collections come from the flows.
 */
public final class MongoWrites {

    /** Exchange property with the record's original value bytes, kept for the dead-letter topic. */
    public static final String ORIGINAL_VALUE = "caravanOriginalValue";

    private final Flows flows;
    // specs by flow instance: a reload makes new Flow objects, so a changed declaration is picked up
    private final Map<Flow, CollectionSpec> specs = new ConcurrentHashMap<>();
    private final Map<String, CollectionSpec> joinSpecs = new ConcurrentHashMap<>();

    public MongoWrites(Flows flows) {
        this.flows = flows;
        flows.onChange(f -> {
            specs.clear();
            joinSpecs.clear();
        });
    }

    /** The write (a PendingWrite, or a list of two with the join's part) of the flow's cleaned record. */
    public Object pending(Document cleaned, String flowName, Exchange exchange) {
        Flow flow = flows.named(flowName);
        if (flow == null) {
            throw new IllegalStateException("no flow named " + flowName);
        }
        List<PendingWrite> out = new ArrayList<>(2);
        if (flow.mongo() != null) {
            out.add(write(cleaned, specs.computeIfAbsent(flow, CollectionSpec::of), exchange));
        }
        if (flow.join() != null) {
            Flow.Join join = flow.join();
            CollectionSpec target = joinSpecs.computeIfAbsent(join.into(), into -> new CollectionSpec(into, into,
                    List.of(join.on()), CollectionSpec.Mode.MERGE, null));
            Document part = new Document();
            // one type for the join key whichever part brings it, so the parts of a post meet in one batch entry
            Object v = cleaned.get(join.on());
            part.append(join.on(), v instanceof Integer || v instanceof Short ? ((Number) v).longValue() : v);
            Document sub = new Document(cleaned);
            sub.remove("_id");
            part.append(join.as(), sub);
            out.add(write(part, target, exchange));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("flow " + flowName + " stores nothing in MongoDB");
        }
        return out.size() == 1 ? out.get(0) : out;
    }

    private static PendingWrite write(Document cleaned, CollectionSpec spec, Exchange exchange) {
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
}
