package dev.caravan.schema;

/**
 * The bytes name a schema id nobody registered. Kept apart from other wire errors because it may heal: a registry
 * that catches up (a compacted topic still being read) will know the id later.
 */
public class UnknownSchemaIdException extends WireFormatException {

    private final int id;

    public UnknownSchemaIdException(int id) {
        super("schema id " + id + " is not known to the schema registry");
        this.id = id;
    }

    public int id() {
        return id;
    }
}
