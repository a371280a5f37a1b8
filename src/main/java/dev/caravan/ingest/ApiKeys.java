package dev.caravan.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * API keys for the ingest endpoints (caravan.ingest.api-keys, comma-separated, from the environment). A request
 * carries one as "Authorization: Bearer KEY" or "X-API-Key: KEY". Keys are compared as SHA-256 digests in constant
 * time, so neither the length nor a prefix of a key leaks through response times. No keys configured: open API.
 */
public final class ApiKeys {

    private final List<byte[]> digests;

    public ApiKeys(String commaSeparated) {
        this.digests = commaSeparated == null ? List.of() : Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(k -> !k.isEmpty()).map(ApiKeys::digest).toList();
    }

    public boolean isOpen() {
        return digests.isEmpty();
    }

    public int count() {
        return digests.size();
    }

    public void check(String authorization, String apiKeyHeader) {
        if (isOpen()) {
            return;
        }
        String presented = apiKeyHeader;
        if ((presented == null || presented.isBlank()) && authorization != null
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        }
        if (presented == null || presented.isBlank()) {
            throw unauthorized("an API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'");
        }
        byte[] d = digest(presented.trim());
        boolean match = false;
        for (byte[] known : digests) {
            // no early exit: every key is compared, whatever matches
            match |= MessageDigest.isEqual(known, d);
        }
        if (!match) {
            throw unauthorized("the API key is not valid");
        }
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail, List.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"caravan\""));
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
