package dev.caravan.poll;

/** A poll that could not complete (after its retries): the run ends with this as its error, the schedule goes on. */
public final class PollFailure extends RuntimeException {

    private final String status;

    public PollFailure(String status, String message) {
        super(message);
        this.status = status;
    }

    /** FAILED, or QUOTA when the daily budget or a Retry-After beyond the limit stopped the run. */
    public String status() {
        return status;
    }
}
