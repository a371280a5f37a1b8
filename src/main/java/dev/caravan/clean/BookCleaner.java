package dev.caravan.clean;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bson.Document;

/**
 * A NYT Books bestseller entry (one book on one list in one week, as the poller publishes it) into the stored shape:
 * ranks and weeks as numbers, dates as dates, empty strings as null, and a book_key (ISBN-13, else title and author)
 * so the same book is recognised across weeks.
 */
public final class BookCleaner {

    private static final Set<String> NUMBERS = Set.of("rank", "rank_last_week", "weeks_on_list");
    private static final Set<String> DATES = Set.of("published_date", "bestsellers_date", "previous_published_date",
            "next_published_date", "created_date", "updated_date");

    public Document clean(Map<String, Object> raw) {
        Document out = new Document();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            Object value = Values.orNull(e.getValue(), Set.of());
            if (value == null) {
                out.put(e.getKey(), null);
            } else if (e.getKey().equals("price")) {
                out.put("price", Values.decimal(value, "price"));
            } else if (NUMBERS.contains(e.getKey())) {
                out.put(e.getKey(), Values.integer(value, e.getKey()));
            } else if (DATES.contains(e.getKey())) {
                out.put(e.getKey(), Values.date(value.toString().length() == 10 ? value + " 00:00:00" : value, e.getKey()));
            } else {
                out.put(e.getKey(), value);
            }
        }
        if (out.get("list_name_encoded") == null && out.get("list_name") instanceof String name) {
            out.put("list_name_encoded", name.toLowerCase(Locale.ROOT).trim().replaceAll("[^a-z0-9]+", "-"));
        }
        if (out.get("list_name_encoded") == null || out.get("published_date") == null) {
            throw new CleaningException("a bestseller entry needs its list (list_name) and week (published_date)");
        }
        Object isbn = out.get("primary_isbn13");
        String key = isbn != null ? isbn.toString()
                : out.get("title") != null ? (out.get("title") + "|" + out.get("author")).toLowerCase(Locale.ROOT) : null;
        if (key == null) {
            throw new CleaningException("a bestseller entry needs primary_isbn13 or a title");
        }
        out.put("book_key", key);
        return out;
    }
}
