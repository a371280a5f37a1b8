package dev.caravan.sink.lake;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * What one topic partition has consumed since its last flush: a contiguous offset range [from, to) spread over one
 * file per zone and hour bucket. The unit is flushed as a whole and its offsets committed as a whole, which is what
 * makes a crash recoverable (see LakeWriter).
 */
final class LakeUnit {

    final String topic;
    final int partition;
    final long openedAtMillis;
    final Map<String, LakeFile> files = new LinkedHashMap<>();
    /** Where the unit begins in the partition (the previous unit's end), or -1 until known. */
    long from = -1;
    long firstOffset = -1;
    long lastOffset = -1;
    int records;
    int skipped;
    long bytes;
    KafkaManualCommit commit;
    /** Records the clean zone refused, and the first of them, for one log line per written set. */
    int refused;
    long firstRefusedOffset = -1;
    String firstRefusal;

    private byte[] rawLineHead;

    LakeUnit(String topic, int partition, long openedAtMillis) {
        this.topic = topic;
        this.partition = partition;
        this.openedAtMillis = openedAtMillis;
    }

    /** {"topic":"T","partition":P,"offset": : the start of every raw NDJSON line of this unit. */
    byte[] rawLineHead() {
        if (rawLineHead == null) {
            StringBuilder head = new StringBuilder("{\"topic\":");
            try {
                RawLines.jsonString(head, topic);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            rawLineHead = head.append(",\"partition\":").append(partition).append(",\"offset\":").toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return rawLineHead;
    }

    void refuse(long offset, String reason) {
        if (refused++ == 0) {
            firstRefusedOffset = offset;
            firstRefusal = reason;
        }
    }

    boolean isEmpty() {
        return records == 0;
    }

    long to() {
        return lastOffset + 1;
    }
}
