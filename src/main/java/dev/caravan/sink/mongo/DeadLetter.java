package dev.caravan.sink.mongo;

/** A record that cannot be stored, with why and at which stage (parse, validate, clean, route or write). */
public record DeadLetter(SourceRecord source, String stage, String errorClass, String message) {
}
