package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A record names its own fields; _id and dotted names are the sink's to decide, so they are refused before cleaning. */
class RecordParserTest {

    @Test
    void aRecordThatBringsItsOwnIdIsRefused() {
        assertThatThrownBy(() -> new RecordParser().checkFieldNames(Map.of("_id", "someone-else")))
                .hasMessageContaining("_id is not allowed");
    }
}
