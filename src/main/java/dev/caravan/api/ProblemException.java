package dev.caravan.api;

import java.util.List;
import java.util.Map;

/**
 * A client error answered as an RFC 9457 problem (application/problem+json): a status, a detail, for validation the
 * list of what is wrong where, and any response headers the status calls for (Retry-After, WWW-Authenticate).
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Map<String, Object>> errors;
    private final Map<String, String> headers;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, List.of(), Map.of());
    }

    public ProblemException(int status, String title, String detail, List<Map<String, Object>> errors,
            Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Map<String, Object>> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Problem toProblem(String instance) {
        return new Problem(status, title, getMessage(), instance, errors);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }
}
