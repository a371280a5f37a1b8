package dev.caravan.sink.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The time a record's lake file is partitioned by (dt=, hour=): the value of its flow's event-time field when it has
 * one (the flow's eventTime), else the Kafka record's timestamp. An unreadable event time falls back
 * to the Kafka timestamp too: a file is never refused for its date.
 */
final class EventTime {

    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final dev.caravan.flow.Flows flows;

    EventTime(dev.caravan.flow.Flows flows) {
        this.flows = flows;
    }

    /** The topic's flow's event-time field, or null. */
    String field(String topic) {
        dev.caravan.flow.Flow flow = flows.ofTopic(topic);
        return flow == null || flow.lake() == null || flow.lake().eventTime().isEmpty() ? null
                : flow.lake().eventTime();
    }

    long of(String topic, Map<String, Object> record, long kafkaTimestamp) {
        String field = field(topic);
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
