package dev.caravan.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.schema.StreamFormats;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The steps of POST /api/v1/streams/{stream}: from a request body to a validated batch, and the answer once published. */
public final class StreamIngest {

    private final Streams streams;
    private final RecordsParser parser;
    private final StreamFormats formats;
    private final int retryAfterSeconds;
    private final SchemaCheck schemaCheck = new SchemaCheck();

    public StreamIngest(Streams streams, RecordsParser parser, StreamFormats formats, int retryAfterSeconds) {
        this.streams = streams;
        this.parser = parser;
        this.formats = formats;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 415 for a body that is neither JSON nor NDJSON, before anything tries to read it. */
    public void checkMediaType(String contentType) {
        parser.checkMediaType(contentType);
    }

    /** Parses and validates the whole request: any invalid record rejects the batch before anything is published. */
    public IngestBatch prepare(String streamName, String contentType, byte[] body) {
        StreamDefinition stream = streams.get(streamName);
        List<JsonNode> records = parser.parse(contentType, body);
        schemaCheck.check(stream, records);
        List<byte[]> values = RecordEncoder.encode(formats, stream, records, retryAfterSeconds);
        List<IngestBatch.Keyed> keyed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            keyed.add(new IngestBatch.Keyed(SchemaCheck.key(stream, records.get(i)), values.get(i)));
        }
        return new IngestBatch(stream, keyed);
    }

    /** {"stream","topic","accepted","receipts":[{"partition","offset"}]} in input order. */
    public Map<String, Object> receipt(IngestBatch batch, List<RecordMetadata> metadata) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("stream", batch.stream().name());
        answer.put("topic", batch.stream().topic());
        answer.put("accepted", metadata.size());
        List<Map<String, Object>> receipts = new ArrayList<>(metadata.size());
        for (RecordMetadata m : metadata) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("partition", m.partition());
            r.put("offset", m.offset());
            receipts.add(r);
        }
        answer.put("receipts", receipts);
        return answer;
    }
}
