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
                entry.put("list_id", list.get("list_id"));
                entry.put("list_name", list.get("list_name"));
                entry.put("list_name_encoded", list.get("list_name_encoded"));
                entry.put("display_name", list.get("display_name"));
                entry.put("bestsellers_date", results.get("bestsellers_date"));
                entry.put("published_date", results.get("published_date"));
                for (String f : BOOK_FIELDS) {
                    if (book.containsKey(f)) {
                        entry.put(f, book.get(f));
                    }
                }
                out.add(entry);
            }
        }
        return out;
    }
}
