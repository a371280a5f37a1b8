package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A record is one JSON object, read strictly (a dead letter beats a guess); it names its own fields, but _id and
 * dotted names are the sink's to decide, so they are refused before cleaning.
 */
class RecordParserTest {

    private final RecordParser parser = new RecordParser();

    @Test
    void aRecordThatBringsItsOwnIdIsRefused() {
        assertThatThrownBy(() -> parser.checkFieldNames(Map.of("_id", "someone-else")))
                .hasMessageContaining("_id is not allowed");
    }

    @Test
    void anObjectKeepsItsFieldOrderAndNumberTypes() throws Exception {
        Map<String, Object> record = parse("{\"b\":1,\"a\":12345678901,\"c\":1.5,\"d\":[true,null],\"e\":{\"f\":\"x\"}}");

        assertThat(record.keySet()).containsExactly("b", "a", "c", "d", "e");
        assertThat(record.get("b")).isEqualTo(1);
        assertThat(record.get("a")).isEqualTo(12345678901L);
        assertThat(record.get("c")).isEqualTo(1.5);
        assertThat(record.get("d")).isEqualTo(java.util.Arrays.asList(true, null));
        assertThat(record.get("e")).isEqualTo(Map.of("f", "x"));
    }

    @Test
    void anythingButOneObjectIsRefused() {
        for (String notAnObject : List.of("[1,2]", "5", "\"text\"", "null", "true")) {
            assertThatThrownBy(() -> parse(notAnObject)).as(notAnObject).hasMessageContaining("not a JSON object");
        }
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessageContaining("no value");
        assertThatThrownBy(() -> parse("{\"a\":1} {\"b\":2}")).as("a second value after the object")
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> parse("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> parse("{\"a\":")).as("cut short").isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> parse("{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}")).as("nested too deep")
                .hasMessageContaining("nesting depth");
    }

    private Map<String, Object> parse(String json) throws Exception {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
