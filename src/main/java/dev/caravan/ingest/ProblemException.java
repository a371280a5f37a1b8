package dev.caravan.ingest;

/** A client error answered as an RFC 9457 problem (application/problem+json) with this status and detail. */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String title;

    public ProblemException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
