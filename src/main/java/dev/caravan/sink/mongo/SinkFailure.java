package dev.caravan.sink.mongo;

import org.apache.camel.Exchange;

/** Turns the exception a record's route caught into a dead letter naming the stage it failed at. */
public final class SinkFailure {

    /** Exchange property each step sets before it runs: parse, validate, clean, route, write. */
    public static final String STAGE = "caravanStage";

    public DeadLetter deadLetter(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable cause = caught;
        while (cause != null && cause.getCause() != null && cause.getClass().getName().startsWith("org.apache.camel")) {
            cause = cause.getCause();
        }
        if (cause instanceof dev.caravan.schema.SchemaRegistryException outage) {
            // the registry is down, the record may be fine: fail the batch so it is retried, never dead-lettered
            throw outage;
        }
        String message = cause == null ? "unknown" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (cause instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            var at = j.getLocation();
            message = j.getOriginalMessage() + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        return new DeadLetter(MongoWrites.source(exchange), exchange.getProperty(STAGE, "route", String.class),
                cause == null ? "unknown" : cause.getClass().getName(), message.replaceAll("\\s+", " "));
    }
}
