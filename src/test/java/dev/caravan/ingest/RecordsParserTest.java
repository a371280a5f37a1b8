package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RecordsParserTest {

    private final RecordsParser parser = new RecordsParser(3);

    @Test
    void oneObjectIsOneRecord() {
        assertThat(parse("application/json", "{\"a\":1}")).hasSize(1);
    }

    @Test
    void anArrayIsItsRecordsInOrder() {
        List<JsonNode> records = parse("application/json; charset=utf-8", "[{\"n\":1},{\"n\":2}]");
        assertThat(records).extracting(r -> r.get("n").asInt()).containsExactly(1, 2);
    }

    @Test
    void ndjsonIsOneRecordPerLineSkippingBlankLinesAndCarriageReturns() {
        List<JsonNode> records = parse("application/x-ndjson", "{\"n\":1}\r\n\n  \n{\"n\":2}\n");
        assertThat(records).extracting(r -> r.get("n").asInt()).containsExactly(1, 2);
    }

    @Test
    void decimalsKeepTheirDigits() {
        assertThat(parse("application/json", "{\"lat\":40.10}").get(0).get("lat").decimalValue().toPlainString())
                .isEqualTo("40.10");
    }

    @Test
    void brokenNdjsonNamesTheLine() {
        ProblemException p = problem("application/x-ndjson", "{\"n\":1}\n{\"n\":\n");
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.getMessage()).startsWith("line 2 is not valid JSON");
    }

    @Test
    void anArrayElementThatIsNotAnObjectIs422WithItsIndex() {
        ProblemException p = problem("application/json", "[{\"n\":1}, 5]");
        assertThat(p.status()).isEqualTo(422);
        assertThat(p.errors()).singleElement().satisfies(e -> assertThat(e).containsEntry("index", 1));
    }

    @Test
    void moreRecordsThanAllowedIs413() {
        assertThat(problem("application/json", "[{},{},{},{}]").status()).isEqualTo(413);
        assertThat(problem("application/x-ndjson", "{}\n{}\n{}\n{}\n").getMessage()).contains("at most 3 records");
    }

    @Test
    void otherMediaTypesAre415() {
        assertThat(problem("text/plain", "{}").status()).isEqualTo(415);
        assertThat(problem(null, "{}").status()).isEqualTo(415);
    }

    @Test
    void emptyTrailingGarbageDuplicateKeysDeepNestingAndBadUtf8Are400() {
        assertThat(problem("application/json", "  ").status()).isEqualTo(400);
        assertThat(problem("application/json", "[]").status()).isEqualTo(400);
        assertThat(problem("application/json", "{\"a\":1} {\"b\":2}").status()).isEqualTo(400);
        assertThat(problem("application/json", "{\"a\":1,\"a\":2}").getMessage()).contains("Duplicate field");
        assertThat(problem("application/json", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}").status())
                .isEqualTo(400);
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> parser.parse("application/json", badUtf8));
        assertThat(p.status()).isEqualTo(400);
    }

    private List<JsonNode> parse(String type, String body) {
        return parser.parse(type, body.getBytes(StandardCharsets.UTF_8));
    }

    private ProblemException problem(String type, String body) {
        return catchThrowableOfType(ProblemException.class, () -> parse(type, body));
    }
}
