package dev.caravan.sink.lake;

/** S3 did not take a write: an outage, retried with backoff by the route; never a reason to drop data. */
public final class LakeUnavailableException extends RuntimeException {

    public LakeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
