package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;

/**
 * Checks every record of a batch against its stream's JSON Schema and the rules any stored record must meet (a
 * usable key; no _id, which comes from the key; no $-prefixed or dotted field names, which MongoDB reads as operators
 * and paths). Reports all problems of all records at once.
 */
public final class SchemaCheck {

    /** At most this many errors are listed; the count says how many there were. */
    static final int MAX_LISTED = 100;

    public void check(StreamDefinition stream, List<JsonNode> records) {
        List<Map<String, Object>> errors = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            Set<ValidationMessage> messages = stream.schema().validate(record);
            for (ValidationMessage m : messages) {
                total++;
                if (errors.size() < MAX_LISTED) {
                    errors.add(ValidationError.of(i, pointer(m), m.getError() != null ? m.getError() : m.getMessage()));
                }
            }
            JsonNode key = stream.keyless() ? null : record.get(stream.keyField());
            if (stream.keyless()) {
                // nothing to check: the key is made for the record
            } else if (key != null && (key.isNull() || key.isContainerNode() || key.asText().isBlank())) {
                total++;
                if (errors.size() < MAX_LISTED) {
                    errors.add(ValidationError.of(i, "/" + stream.keyField(), "the key field must be a non-empty value"));
                }
            } else if (key == null && messages.isEmpty()) {
                total++;
                if (errors.size() < MAX_LISTED) {
                    errors.add(ValidationError.of(i, "/" + stream.keyField(), "the key field is missing"));
                }
            }
            if (record.has("_id")) {
                // the stored document's id comes from the key; a record must not choose it (or another's)
                total++;
                if (errors.size() < MAX_LISTED) {
                    errors.add(ValidationError.of(i, "/_id", "_id is reserved: a stored record's id comes from its key"));
                }
            }
            total += reservedNames(record, "", i, errors);
        }
        if (total > 0) {
            throw new ProblemException(422, "Unprocessable Content", total + " problem" + (total == 1 ? "" : "s") + " in "
                    + records.size() + " record" + (records.size() == 1 ? "" : "s") + " of stream " + stream.name()
                    + "; nothing was published", errors, Map.of());
        }
    }

    /** The record's Kafka key: the key field's value as text, or a new random UUID for a keyless stream. */
    public static String key(StreamDefinition stream, JsonNode record) {
        return stream.keyless() ? java.util.UUID.randomUUID().toString() : record.get(stream.keyField()).asText();
    }

    private static int reservedNames(JsonNode node, String path, int index, List<Map<String, Object>> errors) {
        int found = 0;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                boolean reserved = name.startsWith("$") || name.indexOf('.') >= 0 || name.indexOf('\0') >= 0;
                JsonNode value = field.getValue();
                if (!reserved && !value.isContainerNode()) {
                    // the common case, every field of every request: no pointer built
                    continue;
                }
                String p = path + "/" + name.replace("~", "~0").replace("/", "~1");
                if (reserved) {
                    // the MongoDB sink could not store them: refused here rather than dead-lettered later
                    found++;
                    if (errors.size() < MAX_LISTED) {
                        errors.add(ValidationError.of(index, p, "field names must not start with $ or contain . or NUL"));
                    }
                }
                found += reservedNames(value, p, index, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found += reservedNames(node.get(i), path + "/" + i, index, errors);
            }
        }
        return found;
    }

    private static String pointer(ValidationMessage m) {
        String at = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
        // required-property messages point at the object; name the missing property instead
        if ("required".equals(m.getType()) && m.getProperty() != null) {
            at = at + "/" + m.getProperty();
        }
        return at;
    }
}
