package dev.caravan.api;

import java.util.Locale;

/**
 * What a request must carry once API keys exist. Declared per REST operation in the route files
 * ({@code security: [{key: ingest}]}); an operation without a declaration needs an admin key.
 */
public enum Access {
    /** No key: liveness, readiness, the OpenAPI document and the console's static page. */
    OPEN,
    /** An ingest or an admin key: writing records, and the schemas to read them. */
    INGEST,
    /** An observe or an admin key: health details and metrics (a Prometheus scrape holds nothing more). */
    OBSERVE,
    /** An admin key: everything that changes state or shows what is stored. */
    ADMIN;

    public static Access of(String declared) {
        try {
            return declared == null ? ADMIN : valueOf(declared.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("security key '" + declared + "' is none of open, ingest, admin");
        }
    }
}
