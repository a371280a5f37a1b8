package dev.caravan.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.settings.StartupFailure;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(" k-one-0123456789 , k-two-0123456789 ,");

    @Test
    void withoutConfiguredKeysNothingMatches() {
        assertThat(new ApiKeys("").isOpen()).isTrue();
        assertThat(new ApiKeys(null).matches("anything")).isFalse();
    }

    @Test
    void eachConfiguredKeyMatchesAndNothingElse() {
        assertThat(keys.count()).isEqualTo(2);
        assertThat(keys.matches("k-two-0123456789")).isTrue();
        assertThat(keys.matches(" k-one-0123456789 ")).isTrue();
        assertThat(keys.matches("k-one-012345678")).as("a prefix").isFalse();
        assertThat(keys.matches("")).isFalse();
        assertThat(keys.matches(null)).isFalse();
    }

    @Test
    void aPlaceholderLeftFromAnExampleStopsTheStart() {
        assertThatThrownBy(() -> new ApiKeys("good-key-0123456789,REPLACE-ME", "caravan.admin.api-keys"))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("caravan.admin.api-keys holds a placeholder")
                .hasMessageNotContaining("good-key");
        assertThatThrownBy(() -> new ApiKeys("changeme123")).isInstanceOf(StartupFailure.class);
    }
}
