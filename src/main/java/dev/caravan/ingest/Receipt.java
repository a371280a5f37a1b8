package dev.caravan.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The 202 answer once Kafka acknowledged a record: its id and where it was written. */
public final class Receipt {

    public Map<String, Object> of(Exchange exchange) {
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("id", exchange.getMessage().getHeader(KafkaConstants.KEY, String.class));
        @SuppressWarnings("unchecked")
        List<RecordMetadata> metadata = exchange.getMessage().getHeader(KafkaConstants.KAFKA_RECORD_META, List.class);
        if (metadata != null && !metadata.isEmpty()) {
            RecordMetadata m = metadata.get(0);
            receipt.put("topic", m.topic());
            receipt.put("partition", m.partition());
            receipt.put("offset", m.offset());
        }
        return receipt;
    }
}
