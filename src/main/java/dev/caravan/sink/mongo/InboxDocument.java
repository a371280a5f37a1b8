package dev.caravan.sink.mongo;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.bson.Document;

/**
 * The cleaning step of inbox records: the record's fields as they came, its Kafka key as {@code _id} (stable across
 * redeliveries, so the write is idempotent) and where it came from in {@code _source}.
 */
public final class InboxDocument {

    public Document clean(Map<String, Object> record, Exchange exchange) {
        var m = exchange.getMessage();
        String topic = m.getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = m.getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = m.getHeader(KafkaConstants.OFFSET, Long.class);
        String key = m.getHeader(KafkaConstants.KEY, String.class);
        Document doc = new Document("_id", key != null ? key : topic + "-" + partition + "-" + offset);
        doc.putAll(record);
        doc.put("_source", new Document("topic", topic).append("partition", partition).append("offset", offset));
        return doc;
    }
}
