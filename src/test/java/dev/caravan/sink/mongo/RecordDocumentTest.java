package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bson.Document;
import org.junit.jupiter.api.Test;

class RecordDocumentTest {

    private final RecordDocument mapper = new RecordDocument();

    @Test
    void theRecordKeyBecomesTheIdAndTheFieldsAreKeptAsSent() {
        Document doc = mapper.toDocument("{\"a\":\"12k\",\"n\":3,\"_id\":\"client\"}", "k1", "t", 1, 5L);

        assertThat(doc.getString("_id")).isEqualTo("k1");
        assertThat(doc.getString("a")).isEqualTo("12k");
        assertThat(doc.getInteger("n")).isEqualTo(3);
        assertThat(doc.get("_source", Document.class)).containsEntry("topic", "t").containsEntry("partition", 1)
                .containsEntry("offset", 5L);
    }

    @Test
    void aRecordWithoutKeyIsIdentifiedByItsPositionSoRedeliveryReplacesIt() {
        assertThat(mapper.toDocument("{}", null, "t", 2, 9L).getString("_id")).isEqualTo("t-2-9");
    }

    @Test
    void somethingThatIsNotAJsonObjectIsRejectedWithItsPosition() {
        assertThatThrownBy(() -> mapper.toDocument("[1]", "k", "t", 0, 1L)).hasMessageContaining("t/0@1")
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> mapper.toDocument("{x", "k", "t", 0, 2L)).hasMessageContaining("not JSON");
    }
}
