package dev.caravan.flow;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

/** Small conversions the cleaners share: placeholders to null, numeric strings to numbers, text to dates. */
final class Values {

    // compiled once: cleaning runs them for every field of every record
    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?[0-9]+");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("-?[0-9]+\\.[0-9]+");

    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Values() {
    }

    /** "42" -> 42L, "4.5" -> 4.5, numbers as they are; anything else unchanged. */
    static Object number(Object value) {
        if (value instanceof String s && INTEGER.matcher(s.trim()).matches()) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return value;
            }
        }
        if (value instanceof String s && DECIMAL.matcher(s.trim()).matches()) {
            return new BigDecimal(s.trim()).doubleValue();
        }
        if (value instanceof BigDecimal b) {
            return b.doubleValue();
        }
        return value;
    }

    static Long integer(Object value, String field) {
        Object n = number(value);
        if (n instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            return num.longValue();
        }
        throw new CleaningException(field + " must be a whole number, got " + describe(value));
    }

    static double decimal(Object value, String field) {
        Object n = number(value);
        if (n instanceof Number num) {
            return num.doubleValue();
        }
        throw new CleaningException(field + " must be a number, got " + describe(value));
    }

    /** A date in the given pattern (UTC unless it carries an offset); a date alone is its day's start. */
    static Date date(Object value, String field, DateTimeFormatter format) {
        if (format == null) {
            return date(value, field);
        }
        if (value instanceof String s) {
            try {
                var parsed = format.parseBest(s.trim(), OffsetDateTime::from, LocalDateTime::from,
                        java.time.LocalDate::from);
                if (parsed instanceof OffsetDateTime o) {
                    return Date.from(o.toInstant());
                }
                if (parsed instanceof LocalDateTime l) {
                    return Date.from(l.toInstant(ZoneOffset.UTC));
                }
                return Date.from(((java.time.LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
        }
        throw new CleaningException(field + " must be a date like " + format + ", got " + describe(value));
    }

    /**
     * "2020-08-28 03:52:47" (taken as UTC), ISO-8601 with an offset or Z, or with milliseconds ("...T10:00:00.000Z"),
     * or a day alone ("2024-01-07", its start in UTC).
     */
    static Date date(Object value, String field) {
        if (value instanceof String s) {
            String t = s.trim();
            if (t.length() == 10) {
                try {
                    return Date.from(java.time.LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException e) {
                    // not a day alone: the formats below
                }
            }
            try {
                return Date.from(LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                try {
                    return Date.from(OffsetDateTime.parse(t).toInstant());
                } catch (DateTimeParseException e2) {
                    try {
                        return Date.from(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
                    } catch (DateTimeParseException e3) {
                        // fall through to the error below
                    }
                }
            }
        }
        throw new CleaningException(field + " must be a date like 2020-08-28 03:52:47, got " + describe(value));
    }

    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        String s = value.toString();
        return (value instanceof String ? "\"" : "") + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
                + (value instanceof String ? "\"" : "");
    }

    /** A nested object of a record, empty when absent; a value that is not an object is a cleaning error. */
    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> object(java.util.Map<String, Object> parent, String field) {
        Object v = parent.get(field);
        if (v == null) {
            return java.util.Map.of();
        }
        if (v instanceof java.util.Map<?, ?> m) {
            return (java.util.Map<String, Object>) m;
        }
        throw new CleaningException(field + " must be an object, got " + describe(v));
    }
}
