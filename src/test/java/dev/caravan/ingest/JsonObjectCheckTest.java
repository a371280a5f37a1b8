package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class JsonObjectCheckTest {

    private final JsonObjectCheck check = new JsonObjectCheck();

    @Test
    void oneJsonObjectPasses() {
        assertThatCode(() -> check.check("application/json; charset=utf-8", "{\"a\":1}")).doesNotThrowAnyException();
    }

    @Test
    void anotherMediaTypeIs415() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check("text/csv", "a,b"));
        assertThat(p.status()).isEqualTo(415);
        assertThat(p.getMessage()).contains("text/csv");
    }

    @Test
    void brokenJsonIs400WithWhereItBroke() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check("application/json", "{\n\"a\": }"));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.getMessage()).contains("line 2");
    }

    @Test
    void anEmptyBodyIs400() {
        assertThat(catchThrowableOfType(ProblemException.class, () -> check.check("application/json", " ")).status())
                .isEqualTo(400);
    }

    @Test
    void valueThatIsNotAnObjectIs422() {
        ProblemException p = catchThrowableOfType(ProblemException.class, () -> check.check("application/json", "\"x\""));
        assertThat(p.status()).isEqualTo(422);
        assertThat(p.getMessage()).contains("string");
    }
}
