package dev.caravan.sink.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The time a record's lake file is partitioned by (dt=, hour=): the value of the stream's event-time field when it has
 * one (caravan.lake.time-fields, topic:field), else the Kafka record's timestamp. An unreadable event time falls back
 * to the Kafka timestamp too: a file is never refused for its date.
 */
final class EventTime {

    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Map<String, String> fieldByTopic = new HashMap<>();

    EventTime(String spec) {
        for (String pair : spec.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon > 0) {
                fieldByTopic.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
            }
        }
    }

    String field(String topic) {
        return fieldByTopic.get(topic);
    }

    long of(String topic, Map<String, Object> record, long kafkaTimestamp) {
        String field = fieldByTopic.get(topic);
        if (field == null || record == null || record.get(field) == null) {
            return kafkaTimestamp;
        }
        Object v = record.get(field);
        if (v instanceof Number n) {
            return n.longValue();
        }
        String s = v.toString().trim();
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(s, SPACED).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException notSpaced) {
                    try {
                        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                    } catch (DateTimeParseException notDate) {
                        return kafkaTimestamp;
                    }
                }
            }
        }
    }
}
