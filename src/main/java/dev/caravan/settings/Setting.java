package dev.caravan.settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One caravan.* key, declared once: its type, default, the line that documents it, and how a value is checked.
 * A value that does not parse is an IllegalArgumentException naming the key (a start-up failure when read there).
 * {@code application.properties} shows every setting with exactly this default and doc ({@code SettingsCatalogueTest});
 * beans get typed values through {@link Settings#get(Setting)}, never a key string with a default of their own.
 *
 * @param key          the property key
 * @param type         what a value is, as shown to users (int, ms, true|false, text, list...)
 * @param defaultValue the default as written in the properties file ("" for none)
 * @param doc          one line: what it does (the properties file adds "; default ...")
 * @param env          an environment variable that sets it too (the properties file reads it), or null
 * @param shownDefault how the properties file words the default, when not just the value (e.g. "empty = embedded")
 */
public record Setting<T>(String key, String type, String defaultValue, String doc, String env, String shownDefault,
        Function<String, T> parser) {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    public static Setting<String> text(String key, String defaultValue, String doc) {
        return new Setting<>(key, "text", defaultValue, doc, null, null, v -> v);
    }

    public static Setting<Integer> integer(String key, int defaultValue, String doc) {
        return new Setting<>(key, "int", String.valueOf(defaultValue), doc, null, null,
                v -> parseNumber(key, v, Integer::parseInt));
    }

    public static Setting<Long> longInt(String key, long defaultValue, String doc) {
        return new Setting<>(key, "long", String.valueOf(defaultValue), doc, null, null,
                v -> parseNumber(key, v, Long::parseLong));
    }

    /** A time in milliseconds, read as a Duration; also written with units, as Camel's options are (30s, 1m30s). */
    public static Setting<Duration> millis(String key, long defaultMillis, String doc) {
        return new Setting<>(key, "ms", String.valueOf(defaultMillis), doc, null, null,
                v -> Duration.ofMillis(durationMillis(key, v, 1)));
    }

    /** A time in seconds, read as a Duration; also written with units (90s, 1h, 500ms). */
    public static Setting<Duration> seconds(String key, long defaultSeconds, String doc) {
        return new Setting<>(key, "s", String.valueOf(defaultSeconds), doc, null, null,
                v -> Duration.ofMillis(durationMillis(key, v, 1000)));
    }

    public static Setting<Boolean> flag(String key, boolean defaultValue, String doc) {
        return new Setting<>(key, "true|false", String.valueOf(defaultValue), doc, null, null,
                v -> flagValue(key, v));
    }

    /** true, yes, on, 1 or false, no, off, 0 (any case); anything else names {@code what}. */
    public static boolean flagValue(String what, String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(what + " must be true or false, got '" + v + "'");
        };
    }

    /** Comma-separated values, trimmed, blanks dropped. */
    public static Setting<List<String>> list(String key, String defaultValue, String doc) {
        return new Setting<>(key, "list", defaultValue, doc, null, null,
                v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    /** One of these words (case-insensitive), read in lower case. */
    public static Setting<String> oneOf(String key, String defaultValue, String doc, String... allowed) {
        List<String> words = List.of(allowed);
        return new Setting<>(key, String.join("|", words), defaultValue, doc, null, null, v -> {
            String w = v.toLowerCase(Locale.ROOT);
            if (!words.contains(w)) {
                throw new IllegalArgumentException(key + " must be one of " + String.join(", ", words) + ", got '" + v
                        + "'");
            }
            return w;
        });
    }

    /** The same number or duration (in its declared unit), refused below {@code min}. */
    public Setting<T> atLeast(long min) {
        return bounded(min, null);
    }

    /** The same number or duration (in its declared unit), refused above {@code max}. */
    public Setting<T> atMost(long max) {
        return bounded(null, max);
    }

    /** The same number or duration (in its declared unit), refused outside {@code min..max}. */
    public Setting<T> between(long min, long max) {
        return bounded(min, max);
    }

    private Setting<T> bounded(Long min, Long max) {
        Function<String, T> unbounded = parser;
        return new Setting<>(key, type, defaultValue, doc, env, shownDefault, v -> {
            T value = unbounded.apply(v);
            long n = value instanceof Duration d ? (type.equals("s") ? d.toSeconds() : d.toMillis())
                    : ((Number) value).longValue();
            if ((min != null && n < min) || (max != null && n > max)) {
                throw new IllegalArgumentException(key + " must be " + (max == null ? "at least " + min
                        : min == null ? "at most " + max : "between " + min + " and " + max) + ", got " + v);
            }
            return value;
        });
    }

    /** The same setting, also set by this environment variable. */
    public Setting<T> env(String variable) {
        return new Setting<>(key, type, defaultValue, doc, variable, shownDefault, parser);
    }

    /** The same setting, its default worded so in the properties file. */
    public Setting<T> shown(String wording) {
        return new Setting<>(key, type, defaultValue, doc, env, wording, parser);
    }

    /** The value as the properties file writes it: the default, or a read of the environment variable. */
    public String propertyValue() {
        return env == null ? defaultValue : "{{env:" + env + ":" + defaultValue + "}}";
    }

    /** The comment above the key in the properties file. */
    public String comment() {
        return doc + "; default " + (shownDefault != null ? shownDefault : defaultValue.isEmpty() ? "empty"
                : defaultValue);
    }

    /** The value, parsed; the default when {@code raw} is empty. */
    public T parse(String raw) {
        return parser.apply(raw == null || raw.isBlank() ? defaultValue : raw.trim());
    }

    /** A whole number in the key's unit, or a sum of amounts with units: 500ms, 30s, 5m, 1h30m. */
    static long durationMillis(String key, String v, long unitMillis) {
        try {
            return sumOfDurationParts(key, v, unitMillis);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(key + " is too large, got '" + v + "'");
        }
    }

    private static long sumOfDurationParts(String key, String v, long unitMillis) {
        String t = v.replace("_", "").toLowerCase(Locale.ROOT);
        if (t.matches("-?\\d{1,18}")) {
            return Math.multiplyExact(Long.parseLong(t), unitMillis);
        }
        Matcher m = DURATION_PART.matcher(t);
        long total = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            long unit = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(1)), unit));
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException(key + " must be a whole number or a duration such as 30s, 5m or 1h30m, "
                    + "got '" + v + "'");
        }
        return total;
    }

    private static <N> N parseNumber(String key, String v, Function<String, N> parser) {
        try {
            return parser.apply(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }
}
