package dev.caravan.poll;

/**
 * How a poller walks the pages of one request: {@code none}; {@code page:PARAM} (PARAM=1, 2, ...);
 * {@code offset:PARAM} (PARAM=0, then the number of records seen so far); {@code cursor:PARAM:JSONPATH} (the next
 * request sends PARAM = the value JSONPATH finds in this response, the first request sends none). Pages stop at an
 * empty page, a missing cursor or the page limit.
 */
public record Pagination(Kind kind, String param, String cursorPath, int firstPage) {

    public enum Kind { NONE, PAGE, OFFSET, CURSOR }

    public static Pagination parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty() || s.equals("none")) {
            return new Pagination(Kind.NONE, null, null, 0);
        }
        String[] parts = s.split(":", 3);
        String kind = parts[0];
        if (parts.length < 2 || parts[1].isBlank()) {
            throw new IllegalArgumentException("pagination '" + s + "' needs a parameter name, e.g. page:page");
        }
        return switch (kind) {
            case "page" -> new Pagination(Kind.PAGE, parts[1], null, parts.length == 3 ? Integer.parseInt(parts[2]) : 1);
            case "offset" -> new Pagination(Kind.OFFSET, parts[1], null, 0);
            case "cursor" -> {
                if (parts.length < 3 || parts[2].isBlank()) {
                    throw new IllegalArgumentException("pagination '" + s + "' needs the JSONPath of the next cursor,"
                            + " e.g. cursor:published_date:$.results.previous_published_date");
                }
                yield new Pagination(Kind.CURSOR, parts[1], parts[2], 0);
            }
            default -> throw new IllegalArgumentException("pagination '" + s + "' is not none, page:, offset: or cursor:");
        };
    }
}
