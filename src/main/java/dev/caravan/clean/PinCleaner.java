package dev.caravan.clean;

import java.util.Map;
import java.util.Set;

import org.bson.Document;

/**
 * A raw pin into the stored shape: follower_count as a number, placeholder texts as null, save_location as the path
 * only, index renamed ind, numeric strings as numbers, downloaded as a boolean.
 */
public final class PinCleaner {

    private final Set<String> placeholders;
    private final FollowerCountParser followers = new FollowerCountParser();

    public PinCleaner(Set<String> placeholders) {
        this.placeholders = Set.copyOf(placeholders);
    }

    public Document clean(Map<String, Object> raw) {
        Document out = new Document();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String field = e.getKey();
            Object value = Values.orNull(e.getValue(), placeholders);
            switch (field) {
                case "index" -> out.put("ind", Values.integer(value, "index"));
                case "ind" -> { } // never copied: see below
                case "follower_count" -> out.put("follower_count", followers.parse(value));
                case "save_location" -> out.put("save_location", path(value));
                case "downloaded" -> out.put("downloaded", bool(value));
                default -> out.put(field, Values.number(value));
            }
        }
        // ind joins a pin to its post: it comes from index alone, and a record that says otherwise is refused
        if (raw.get("ind") != null && !java.util.Objects.equals(Values.number(raw.get("ind")), out.get("ind"))) {
            throw new CleaningException("ind " + Values.describe(raw.get("ind")) + " disagrees with index "
                    + Values.describe(raw.get("index")) + ": a pin's post is named by index");
        }
        Object id = out.get("unique_id");
        if (!(id instanceof String s) || s.isBlank()) {
            throw new CleaningException("unique_id is missing, so the pin has no key");
        }
        // unique_id stays text even when it looks like a number
        out.put("unique_id", s);
        return out;
    }

    /** "Local save in /data/mens-fashion" -> "/data/mens-fashion". */
    static String path(Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString().trim();
        int slash = s.indexOf('/');
        return slash < 0 ? (s.isEmpty() ? null : s) : s.substring(slash);
    }

    private static Boolean bool(Object value) {
        Object v = Values.number(value);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        String s = v.toString().trim().toLowerCase();
        if (s.equals("true") || s.equals("yes")) {
            return true;
        }
        if (s.equals("false") || s.equals("no")) {
            return false;
        }
        throw new CleaningException("downloaded must be 0 or 1, got " + Values.describe(value));
    }
}
