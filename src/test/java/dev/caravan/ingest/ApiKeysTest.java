package dev.caravan.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(" k-one , k-two ,");

    @Test
    void withoutConfiguredKeysTheApiIsOpen() {
        assertThat(new ApiKeys("").isOpen()).isTrue();
        assertThatCode(() -> new ApiKeys(null).check(null, null)).doesNotThrowAnyException();
    }

    @Test
    void aKeyIsAcceptedAsBearerTokenOrXApiKey() {
        assertThat(keys.count()).isEqualTo(2);
        assertThatCode(() -> keys.check("Bearer k-two", null)).doesNotThrowAnyException();
        assertThatCode(() -> keys.check("bearer k-one", null)).doesNotThrowAnyException();
        assertThatCode(() -> keys.check(null, "k-one")).doesNotThrowAnyException();
    }

    @Test
    void aMissingOrWrongKeyIs401WithAChallenge() {
        ProblemException missing = catchThrowableOfType(ProblemException.class, () -> keys.check(null, null));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"caravan\"");
        ProblemException wrong = catchThrowableOfType(ProblemException.class, () -> keys.check("Bearer k-on", null));
        assertThat(wrong.getMessage()).isEqualTo("the API key is not valid").doesNotContain("k-on");
        assertThat(catchThrowableOfType(ProblemException.class, () -> keys.check("Basic azE6", null)).status())
                .isEqualTo(401);
    }
}
