package dev.caravan.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where an Avro mismatch is, said as the JSON Pointer the problem body uses elsewhere. */
class RecordEncoderTest {

    @Test
    void jsonAvroPathsBecomeJsonPointers() {
        assertThat(RecordEncoder.pointer("$")).isEmpty();
        assertThat(RecordEncoder.pointer("$.mood")).isEqualTo("/mood");
        assertThat(RecordEncoder.pointer("$.location.postcode")).isEqualTo("/location/postcode");
        assertThat(RecordEncoder.pointer("$.referees[0].name")).isEqualTo("/referees/0/name");
        assertThat(RecordEncoder.pointer("$['a b']")).isEqualTo("/a b");
        assertThat(RecordEncoder.pointer("$['a/b~c']")).isEqualTo("/a~1b~0c");
        assertThat(RecordEncoder.pointer("$['it\\'s']")).isEqualTo("/it's");
    }
}
