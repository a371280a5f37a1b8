package dev.caravan.ingest;

import com.networknt.schema.JsonSchema;

/**
 * A stream records can be posted to: its Kafka topic, the record field that is the Kafka key (null: a random UUID per
 * record), and its JSON Schema.
 */
public record StreamDefinition(String name, String topic, String keyField, String schemaLocation, JsonSchema schema) {

    public boolean keyless() {
        return keyField == null;
    }
}
