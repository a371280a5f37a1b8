package dev.caravan.poll;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The content hash that decides whether a polled record changed: SHA-256 of its canonical JSON (keys sorted), over
 * the whole record or only the named fields (a match changes when its status or score does, not its lastUpdated).
 */
public final class RecordHash {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private RecordHash() {
    }

    public static String of(Object record, List<String> fields) {
        Object subject = record;
        if (record instanceof Map<?, ?> map && !fields.isEmpty() && !fields.equals(List.of("*"))) {
            Map<String, Object> picked = new LinkedHashMap<>();
            for (String f : fields) {
                picked.put(f, map.get(f));
            }
            subject = picked;
        }
        try {
            byte[] json = CANONICAL.writeValueAsBytes(subject);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a polled record", e);
        }
    }
}
