package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.OrderedMap;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The steps of POST /api/v1/streams/{stream}: from a request body to a validated batch, and the answer once published. */
public record StreamIngest(Streams streams, RecordsParser parser, RecordEncoder encoder) {

    /** 415 for a body that is neither JSON nor NDJSON, before anything tries to read it. */
    public void checkMediaType(String contentType) {
        parser.checkMediaType(contentType);
    }

    /**
     * Parses and validates the whole request: any invalid record rejects the batch before anything is published.
     * With {@code answer} "inbox" the request must be one JSON object (POST /api/v1/inbox), answered with its id.
     */
    public IngestBatch prepare(String streamName, String contentType, byte[] body, String answer) {
        StreamDefinition stream = streams.get(streamName);
        if (INBOX.equals(answer) && firstNonBlank(body) == '[') {
            throw new ProblemException(422, "Unprocessable Content", "the body must be one JSON object, got a JSON array");
        }
        List<JsonNode> records = parser.parse(contentType, body);
        if (INBOX.equals(answer) && records.size() != 1) {
            throw new ProblemException(422, "Unprocessable Content", "the body must be one JSON object, got "
                    + records.size() + " records");
        }
        return encoder.batch(stream, records, i -> SchemaCheck.key(stream, records.get(i)));
    }

    private static final String INBOX = "inbox";

    private static int firstNonBlank(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b;
            }
        }
        return -1;
    }

    /** The answer: the stream's receipt, or for the inbox {"id","topic","partition","offset"} of its one record. */
    public Map<String, Object> receipt(IngestBatch batch, List<RecordMetadata> metadata, String answer) {
        if (!INBOX.equals(answer)) {
            return streamReceipt(batch, metadata);
        }
        Map<String, Object> one = OrderedMap.of("id", batch.records().get(0).key(), "topic", metadata.get(0).topic(),
                "partition", metadata.get(0).partition(), "offset", metadata.get(0).offset());
        return one;
    }

    /** {"stream","topic","accepted","receipts":[{"partition","offset"}]} in input order. */
    private static Map<String, Object> streamReceipt(IngestBatch batch, List<RecordMetadata> metadata) {
        Map<String, Object> answer = OrderedMap.of("stream", batch.stream().name(), "topic", batch.stream().topic(),
                "accepted", metadata.size());
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
