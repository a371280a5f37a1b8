package dev.caravan.flow;

/** A record that cannot be cleaned into a storable document: it goes to the dead-letter topic, stage "clean". */
public final class CleaningException extends RuntimeException {

    public CleaningException(String message) {
        super(message);
    }
}
