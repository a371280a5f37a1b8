package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.schema.IncompatibleSchemaException;
import dev.caravan.schema.JsonAvroException;
import dev.caravan.schema.SchemaRegistryException;
import dev.caravan.schema.StreamFormats;

/**
 * A door's parsed records into the batch it publishes: each checked against its stream's schema (SchemaCheck), then
 * encoded into the bytes the stream carries (JSON, or Avro in the Confluent wire format). For an Avro stream, a record
 * that does not fit the Avro schema is a 422 naming the record and the field; a registry that cannot give the schema id
 * is a 503, nothing published.
 */
public record RecordEncoder(StreamFormats formats, int retryAfterSeconds) {

    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\[(\\d+)]|\\['((?:[^'\\\\]|\\\\.)*)']");
    private static final SchemaCheck SCHEMA_CHECK = new SchemaCheck();

    /** The whole batch, or a 422/503 before anything is published; {@code keyOf} gives record i's Kafka key. */
    IngestBatch batch(StreamDefinition stream, List<JsonNode> records, IntFunction<String> keyOf) {
        SCHEMA_CHECK.check(stream, records);
        List<byte[]> values = encode(stream, records);
        List<IngestBatch.Keyed> keyed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            keyed.add(new IngestBatch.Keyed(keyOf.apply(i), values.get(i)));
        }
        return new IngestBatch(stream, keyed);
    }

    private List<byte[]> encode(StreamDefinition stream, List<JsonNode> records) {
        List<byte[]> out = new ArrayList<>(records.size());
        List<Map<String, Object>> errors = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                out.add(formats.encode(stream.topic(), records.get(i), true));
            } catch (JsonAvroException e) {
                errors.add(ValidationError.of(i, pointer(e.path()), e.getMessage().substring(e.path().length() + 2)
                        + " (Avro schema of stream " + stream.name() + ")"));
            } catch (SchemaRegistryException | IncompatibleSchemaException e) {
                throw new ProblemException(503, "Service Unavailable", "the schema of stream " + stream.name()
                        + " could not be registered: " + e.getMessage() + "; nothing was published, retry later",
                        List.of(), Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "Unprocessable Content", errors.size() + " record(s) do not fit the Avro"
                    + " schema of stream " + stream.name() + "; nothing was published", errors, Map.of());
        }
        return out;
    }

    /** JsonAvro's path ($.location.postcode, $.referees[0], $['a b']) as a JSON Pointer (/location/postcode). */
    static String pointer(String path) {
        StringBuilder p = new StringBuilder();
        Matcher m = SEGMENT.matcher(path.startsWith("$") ? path.substring(1) : path);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
                    : m.group(3).replace("\\'", "'").replace("\\\\", "\\");
            p.append('/').append(name.replace("~", "~0").replace("/", "~1"));
        }
        return p.length() == 0 ? "" : p.toString();
    }
}
