package dev.caravan.poll;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

import org.quartz.CronExpression;

/**
 * When a poller runs: every period ("90s", "15m", "1h", "1d", ISO "PT1H", or milliseconds) or on a Quartz cron
 * expression with seconds ("0 0 6 ? * SUN": Sundays 06:00 UTC). A poller that never ran is due at once.
 */
public record Schedule(String text, Duration period, CronExpression cron) {

    public static Schedule parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("a poller needs a schedule (a period such as 60s, or a cron expression)");
        }
        if (s.contains(" ")) {
            try {
                CronExpression cron = new CronExpression(s);
                cron.setTimeZone(TimeZone.getTimeZone("UTC"));
                return new Schedule(s, null, cron);
            } catch (ParseException e) {
                throw new IllegalArgumentException("schedule '" + s + "' is not a Quartz cron expression (seconds minutes"
                        + " hours day-of-month month day-of-week, e.g. '0 0 6 ? * SUN'): " + e.getMessage());
            }
        }
        Duration period = period(s);
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("schedule '" + s + "' must be a positive period");
        }
        return new Schedule(s, period, null);
    }

    /** "250ms", "90s", "15m", "2h", "1d", "PT1H" or plain milliseconds. */
    public static Duration period(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            char unit = s.charAt(s.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofMillis(Long.parseLong(s));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("unknown unit '" + unit + "'");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a period (use 250ms, 90s, 15m, 2h, 1d or PT1H)");
        }
    }

    /** The next run after a run that started at {@code lastRun}; {@code null} lastRun means never ran: now. */
    public Instant next(Instant lastRun, Instant now) {
        if (lastRun == null) {
            return now;
        }
        if (period != null) {
            return lastRun.plus(period);
        }
        Date next = cron.getNextValidTimeAfter(Date.from(lastRun));
        return next == null ? Instant.MAX : next.toInstant();
    }

    public boolean isCron() {
        return cron != null;
    }

    @Override
    public String toString() {
        return text;
    }
}
