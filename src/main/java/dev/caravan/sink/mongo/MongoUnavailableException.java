package dev.caravan.sink.mongo;

/** MongoDB did not take a batch for a reason that is not the data's: retried with backoff, never dead-lettered. */
public final class MongoUnavailableException extends RuntimeException {

    public MongoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
