package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** An inbox record becomes its document: the key is the _id, the fields stay as they came, _source says where from. */
class InboxDocumentTest {

    @Test
    void theKeyIsTheIdAndTheSourceIsKept() {
        Document d = new InboxDocument().clean(Map.of("pin", "abc", "n", 1), record("id-1"));
        assertThat(d.get("_id")).isEqualTo("id-1");
        assertThat(d.get("pin")).isEqualTo("abc");
        assertThat(d.get("_source", Document.class)).containsEntry("topic", "caravan.inbox")
                .containsEntry("partition", 2).containsEntry("offset", 7L);
    }

    @Test
    void aRecordWithoutKeyIsNamedByItsPlaceInTheTopic() {
        assertThat(new InboxDocument().clean(Map.of(), record(null)).get("_id")).isEqualTo("caravan.inbox-2-7");
    }

    @Test
    void aRecordThatBringsItsOwnIdIsRefusedBeforeCleaning() {
        assertThatThrownBy(() -> new RecordParser().checkFieldNames(Map.of("_id", "someone-else")))
                .hasMessageContaining("_id is not allowed");
    }

    private static Exchange record(String key) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(KafkaConstants.TOPIC, "caravan.inbox");
        e.getMessage().setHeader(KafkaConstants.PARTITION, 2);
        e.getMessage().setHeader(KafkaConstants.OFFSET, 7L);
        e.getMessage().setHeader(KafkaConstants.KEY, key);
        return e;
    }
}
