package dev.caravan.clean;

import java.util.Map;
import java.util.Set;

import org.bson.Document;

/** A raw user into the stored shape: user_name from first and last name, age as a number, date_joined as a date. */
public final class UserCleaner {

    private final Set<String> placeholders;

    public UserCleaner(Set<String> placeholders) {
        this.placeholders = Set.copyOf(placeholders);
    }

    public Document clean(Map<String, Object> raw) {
        Document out = new Document();
        out.put("ind", Values.integer(raw.get("ind"), "ind"));
        Object first = Values.orNull(raw.get("first_name"), placeholders);
        Object last = Values.orNull(raw.get("last_name"), placeholders);
        String name = ((first == null ? "" : first.toString().trim()) + " " + (last == null ? "" : last.toString().trim()))
                .trim();
        out.put("user_name", name.isEmpty() ? null : name);
        out.put("age", Values.integer(raw.get("age"), "age"));
        out.put("date_joined", Values.date(raw.get("date_joined"), "date_joined"));
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (!out.containsKey(e.getKey()) && !e.getKey().equals("first_name") && !e.getKey().equals("last_name")) {
                out.put(e.getKey(), Values.number(Values.orNull(e.getValue(), placeholders)));
            }
        }
        return out;
    }
}
