package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefreshGateTest {

    private final RefreshGate gate = new RefreshGate(60_000);

    @Test
    void theFirstRefreshAlwaysRuns_thenOnlyANewWriteOrTheIdleLimitBringsAnother() {
        assertThat(gate.open(0, 7)).isTrue();
        gate.refreshed(10);

        assertThat(gate.open(5_000, 7)).as("nothing written").isFalse();
        assertThat(gate.open(5_000, 8)).as("a write reached a source").isTrue();
        gate.refreshed(5_010);
        assertThat(gate.open(64_999, 8)).isFalse();
        assertThat(gate.open(65_000, 8)).as("idle limit: other writers are seen").isTrue();
    }

    @Test
    void aRefreshRunsAtMostATenthOfTheTime_evenWhileWritesKeepComing() {
        assertThat(gate.open(0, 1)).isTrue();
        gate.refreshed(1_000); // took 1 s: the next waits 9 s after it ended

        assertThat(gate.open(9_999, 2)).isFalse();
        assertThat(gate.open(10_000, 2)).isTrue();
    }

    @Test
    void withNoIdleLimitEveryTickRefreshes() {
        RefreshGate always = new RefreshGate(0);
        assertThat(always.open(0, 1)).isTrue();
        always.refreshed(1_000);
        assertThat(always.open(1_001, 1)).isTrue();
    }
}
