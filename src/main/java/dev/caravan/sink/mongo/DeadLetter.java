package dev.caravan.sink.mongo;

/** A record that cannot be stored, with why and at which stage (parse, validate, clean, route or write). */
public record DeadLetter(SourceRecord source, String stage, String errorClass, String message) {

    /** The dead letter of a record that failed at a stage: the cause's class and its message on one line. */
    public static DeadLetter of(SourceRecord source, String stage, Throwable cause) {
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (cause instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            var at = j.getLocation();
            message = j.getOriginalMessage() + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        return new DeadLetter(source, stage, cause.getClass().getName(), message.replaceAll("\\s+", " "));
    }
}
