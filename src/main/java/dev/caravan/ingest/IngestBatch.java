package dev.caravan.ingest;

import java.util.List;

/** Validated records of one request, in input order, ready to publish: each with its Kafka key and value bytes
 * (JSON, or Avro in the Confluent wire format). */
public record IngestBatch(StreamDefinition stream, List<Keyed> records) {

    public record Keyed(String key, byte[] value) {
    }

    public int size() {
        return records.size();
    }
}
