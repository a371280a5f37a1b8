package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class LakeKeysTest {

    private final long at = Instant.parse("2024-03-05T07:59:59.999Z").toEpochMilli();

    @Test
    void keysArePartitionedByUtcDayAndHourAndNamedByTopicPartitionAndPaddedOffset() {
        assertThat(new LakeKeys("").rawJson("pins", 2, 42L, at))
                .isEqualTo("raw/pins/dt=2024-03-05/hour=07/pins+2+00000000000000000042.json");
    }

    @Test
    void aPrefixIsPutInFrontWithExactlyOneSlash() {
        assertThat(new LakeKeys("lake/").key("clean", "geo", 0, 1L, at, "ndjson.gz"))
                .isEqualTo("lake/clean/geo/dt=2024-03-05/hour=07/geo+0+00000000000000000001.ndjson.gz");
        assertThat(new LakeKeys("  ").rawJson("geo", 0, 1L, at)).startsWith("raw/geo/");
    }

    @Test
    void theSameRecordAlwaysGetsTheSameKeyAndPaddedOffsetsSortInOffsetOrder() {
        LakeKeys keys = new LakeKeys("p");
        assertThat(keys.rawJson("t", 1, 9L, at)).isEqualTo(keys.rawJson("t", 1, 9L, at));
        assertThat(keys.rawJson("t", 1, 9L, at)).isLessThan(keys.rawJson("t", 1, 10L, at));
    }
}
