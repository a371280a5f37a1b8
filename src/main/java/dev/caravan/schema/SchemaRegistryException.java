package dev.caravan.schema;

/** The registry could not be reached, or refused for a reason other than compatibility; worth retrying later. */
public class SchemaRegistryException extends RuntimeException {

    private final int status;

    public SchemaRegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public SchemaRegistryException(String message, int status) {
        this(message, status, null);
    }

    /** The HTTP status the registry answered, or 0 when it did not answer at all. */
    public int status() {
        return status;
    }
}
