package dev.caravan.schema;

/** The writer's schema is known but the reader's schema cannot read it (a field the reader needs has no default). */
public class IncompatibleSchemaException extends WireFormatException {

    public IncompatibleSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
