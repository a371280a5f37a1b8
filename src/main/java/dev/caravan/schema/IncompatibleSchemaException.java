package dev.caravan.schema;

/**
 * Two schemas that cannot work together: a record's writer schema the reader's schema cannot read (a field the reader
 * needs has no default), or a new version a subject's compatibility rule refuses. The message names the field.
 */
public class IncompatibleSchemaException extends WireFormatException {

    public IncompatibleSchemaException(String message, Throwable cause) {
        super(message, cause);
    }

    public IncompatibleSchemaException(String message) {
        super(message, null);
    }
}
