package dev.caravan.sink.mongo;

import java.util.List;

import dev.caravan.flow.Flow;

/**
 * How records of one type are stored: the collection, the business-key fields (unique index, upsert filter), replace
 * or merge, an optional field that must grow for a write to apply (so an older record never overwrites a newer), and
 * the indexes its flow declares beyond the unique key (2dsphere, TTL).
 */
public record CollectionSpec(String type, String name, List<String> keyFields, Mode mode, String newerField,
        List<Flow.Index> indexes) {

    public enum Mode { REPLACE, MERGE }

    public CollectionSpec(String type, String name, List<String> keyFields, Mode mode, String newerField) {
        this(type, name, keyFields, mode, newerField, List.of());
    }

    public boolean guarded() {
        return newerField != null && !newerField.isBlank();
    }

    /** How a flow stores its records. */
    static CollectionSpec of(Flow flow) {
        Flow.Mongo m = flow.mongo();
        return new CollectionSpec(flow.name(), m.collection(), m.key(),
                m.mode().equals("merge") ? Mode.MERGE : Mode.REPLACE, m.newerField(), m.indexes());
    }
}
