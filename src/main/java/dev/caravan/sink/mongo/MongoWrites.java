package dev.caravan.sink.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import org.bson.Document;

/**
 * The write stage of a flow's record: its cleaned document keyed by the flow's business key, and for a flow that
 * joins (a pin, geo or user record into posts) also its part of the joined document. Collections come from the flows.
 */
public final class MongoWrites {

    // specs by flow instance: a reload makes new Flow objects, so a changed declaration is picked up
    private final Map<Flow, CollectionSpec> specs = new ConcurrentHashMap<>();
    private final Map<String, CollectionSpec> joinSpecs = new ConcurrentHashMap<>();

    public MongoWrites(Flows flows) {
        flows.onChange(f -> {
            specs.clear();
            joinSpecs.clear();
        });
    }

    /** The writes of the flow's cleaned record: into its collection, and its part of the joined document. */
    public List<PendingWrite> pending(Document cleaned, Flow flow, SourceRecord source) {
        List<PendingWrite> out = new ArrayList<>(2);
        if (flow.mongo() != null) {
            out.add(write(cleaned, specs.computeIfAbsent(flow, CollectionSpec::of), source));
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
            out.add(write(part, target, source));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("flow " + flow.name() + " stores nothing in MongoDB");
        }
        return out;
    }

    private static PendingWrite write(Document cleaned, CollectionSpec spec, SourceRecord source) {
        Document filter = new Document();
        for (String field : spec.keyFields()) {
            Object v = cleaned.get(field);
            if (v == null) {
                throw new IllegalArgumentException("the business key field " + field + " is missing or empty");
            }
            filter.append(field, v);
        }
        return new PendingWrite(spec, filter, cleaned, source);
    }
}
