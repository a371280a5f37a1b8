package dev.caravan.schema;

/** Bytes that cannot be decoded as a Confluent wire format Avro record: the record is undecodable as it stands. */
public class WireFormatException extends RuntimeException {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
