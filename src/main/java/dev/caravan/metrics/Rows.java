package dev.caravan.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;

/**
 * The facts the analytics need, read the same way from MongoDB documents (dates as Date) and from the lake's clean
 * zone (dates as ISO-8601 text), so the stream and the batch compute from identical values.
 */
public final class Rows {

    private Rows() {
    }

    /** One joined post: pin, geo and user of one ind. */
    public record Post(long ind, String category, Long followerCount, String posterName, String country,
            Integer postYear, Integer age, Integer joinYear, String userName, String dateJoined) {
    }

    /** One book on one list in one week. */
    public record Book(String list, String title, String author, String bookKey, LocalDate publishedDate, Integer rank,
            Integer rankLastWeek, Integer weeksOnList) {
    }

    /** Everything the questions are asked of. */
    public record Dataset(java.util.List<Post> posts, java.util.List<Book> books, java.util.List<Match> matches) {
    }

    /** One match, as last updated. */
    public record Match(long id, String competition, String status, String home, String away, Integer scoreHome,
            Integer scoreAway) {
    }

    @SuppressWarnings("unchecked")
    static Post post(long ind, Map<String, Object> pin, Map<String, Object> geo, Map<String, Object> user) {
        Instant posted = instant(geo.get("timestamp"));
        Instant joined = instant(user.get("date_joined"));
        return new Post(ind, text(pin.get("category")), number(pin.get("follower_count")), text(pin.get("poster_name")),
                text(geo.get("country")), posted == null ? null : posted.atZone(ZoneOffset.UTC).getYear(),
                integer(user.get("age")), joined == null ? null : joined.atZone(ZoneOffset.UTC).getYear(),
                text(user.get("user_name")), joined == null ? null : joined.toString());
    }

    static Book book(Map<String, Object> d) {
        Instant published = instant(d.get("published_date"));
        return new Book(text(d.get("list_name_encoded")), text(d.get("title")), text(d.get("author")),
                text(d.get("book_key")), published == null ? null : published.atZone(ZoneOffset.UTC).toLocalDate(),
                integer(d.get("rank")), integer(d.get("rank_last_week")), integer(d.get("weeks_on_list")));
    }

    static Match match(Map<String, Object> d) {
        return new Match(number(d.get("match_id")), text(d.get("competition_code")), text(d.get("status")),
                text(d.get("home_team")), text(d.get("away_team")), integer(d.get("score_home")),
                integer(d.get("score_away")));
    }

    static Instant instant(Object v) {
        if (v instanceof Date d) {
            return d.toInstant();
        }
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s);
            } catch (RuntimeException notInstant) {
                return null;
            }
        }
        return null;
    }

    static String text(Object v) {
        return v == null ? null : v.toString();
    }

    static Long number(Object v) {
        return v instanceof Number n ? n.longValue() : null;
    }

    static Integer integer(Object v) {
        return v instanceof Number n ? n.intValue() : null;
    }
}
