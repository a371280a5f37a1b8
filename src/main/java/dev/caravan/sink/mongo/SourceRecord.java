package dev.caravan.sink.mongo;

import java.util.Map;

/** A consumed Kafka record as it came: coordinates, key and the original value bytes. */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value,
        Map<String, byte[]> headers) {
}
