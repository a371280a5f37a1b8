package dev.caravan.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.StartupFailure;

/**
 * One kind of API key (caravan.ingest.api-keys or caravan.admin.api-keys, comma-separated, from the environment).
 * Keys are compared as SHA-256 digests in constant time, so neither the length nor a prefix of a key leaks through
 * response times. A placeholder left in from an example (REPLACE-ME, changeme, ...) stops the start: it would be a
 * key everyone knows.
 */
public final class ApiKeys {

    private static final List<String> PLACEHOLDERS = List.of("replace-me", "replace_me", "replaceme", "changeme",
            "change-me", "change_me", "your-key", "your_key", "example", "placeholder", "xxxxxxxx");

    private final List<byte[]> digests;

    public ApiKeys(String commaSeparated) {
        this(commaSeparated, IngestSettings.API_KEYS.key());
    }

    public ApiKeys(String commaSeparated, String setting) {
        List<String> keys = commaSeparated == null ? List.of() : Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(k -> !k.isEmpty()).toList();
        for (String key : keys) {
            String lower = key.toLowerCase(Locale.ROOT);
            if (PLACEHOLDERS.stream().anyMatch(lower::contains)) {
                throw new StartupFailure(setting + " holds a placeholder, not a key; generate one, for example with "
                        + "'openssl rand -hex 24'");
            }
        }
        this.digests = keys.stream().map(ApiKeys::digest).toList();
    }

    public boolean isOpen() {
        return digests.isEmpty();
    }

    public int count() {
        return digests.size();
    }

    /** True when the key is one of these; every key is compared, whatever matches. */
    public boolean matches(String presented) {
        if (presented == null || presented.isBlank()) {
            return false;
        }
        byte[] d = digest(presented.trim());
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, d);
        }
        return match;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
