package dev.caravan.sink.mongo;

import java.util.List;

/**
 * How records of one type are stored: the collection, the business-key fields (unique index, upsert filter), replace
 * or merge, and an optional field that must grow for a write to apply (so an older record never overwrites a newer).
 */
public record CollectionSpec(String type, String name, List<String> keyFields, Mode mode, String newerField) {

    public enum Mode { REPLACE, MERGE }

    public boolean guarded() {
        return newerField != null && !newerField.isBlank();
    }
}
