package dev.caravan.flow;

import java.math.BigDecimal;
import java.util.Locale;

/** "980" -> 980, "12k" -> 12000, "1.5M" -> 1500000; anything else (such as "User Info Error") -> null. */
public final class FollowerCountParser {

    // compiled once: it runs for every pin
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)?");

    public Long parse(Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Number n) {
            return n.longValue() < 0 ? null : n.longValue();
        }
        String s = raw.toString().trim().replace(",", "").toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return null;
        }
        long multiplier = 1;
        char last = s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'b') {
            multiplier = last == 'k' ? 1_000L : last == 'm' ? 1_000_000L : 1_000_000_000L;
            s = s.substring(0, s.length() - 1).trim();
        }
        if (!NUMBER.matcher(s).matches()) {
            return null;
        }
        return new BigDecimal(s).multiply(BigDecimal.valueOf(multiplier)).longValue();
    }
}
