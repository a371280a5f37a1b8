package dev.caravan.poll;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits an NYT Books overview answer (results.lists[].books[]) into one record per book on a list in a week: the
 * list's names and the week's dates copied onto each book, so every record stands alone and has its own key
 * {list_name_encoded}:{published_date}:{primary_isbn13}.
 */
public final class NytBestsellerEntries {

    private static final List<String> LIST_FIELDS = List.of("list_id", "list_name", "list_name_encoded",
            "display_name");
    private static final List<String> WEEK_FIELDS = List.of("bestsellers_date", "published_date");
    /** Copied when the book has them. */
    private static final List<String> BOOK_FIELDS = List.of("rank", "rank_last_week", "weeks_on_list", "title",
            "author", "contributor", "publisher", "description", "primary_isbn10", "primary_isbn13", "price",
            "age_group", "book_image", "amazon_product_url");

    public List<Map<String, Object>> entries(Map<String, Object> response) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!(response.get("results") instanceof Map<?, ?> results) || !(results.get("lists") instanceof List<?> lists)) {
            return out;
        }
        for (Object l : lists) {
            if (!(l instanceof Map<?, ?> list) || !(list.get("books") instanceof List<?> books)) {
                continue;
            }
            for (Object b : books) {
                if (!(b instanceof Map<?, ?> book)) {
                    continue;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                LIST_FIELDS.forEach(f -> entry.put(f, list.get(f)));
                WEEK_FIELDS.forEach(f -> entry.put(f, results.get(f)));
                BOOK_FIELDS.stream().filter(book::containsKey).forEach(f -> entry.put(f, book.get(f)));
                out.add(entry);
            }
        }
        return out;
    }
}
