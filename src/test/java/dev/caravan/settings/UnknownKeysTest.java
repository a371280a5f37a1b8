package dev.caravan.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A caravan.* key nobody declared is a typo until proven otherwise: it is named, with the key it was likely meant as. */
class UnknownKeysTest {

    private static final Set<String> DECLARED = Set.of("caravan.mongo.batch-size", "caravan.lake.batch-size",
            "caravan.http.port");
    private static final List<String> FAMILIES = List.of("caravan.flows.", "caravan.kafka.");

    @Test
    void aTypoIsNamedWithTheNearestDeclaredKey() {
        assertThat(UnknownKeys.find(List.of("caravan.mongo.batchsize", "caravan.htp.port"), DECLARED, FAMILIES))
                .containsExactly(
                        "caravan.htp.port is not a Caravan setting and is ignored; did you mean caravan.http.port?",
                        "caravan.mongo.batchsize is not a Caravan setting and is ignored; did you mean "
                                + "caravan.mongo.batch-size?");
    }

    @Test
    void aKeyFarFromEveryDeclaredOneIsNamedWithoutAGuess() {
        assertThat(UnknownKeys.find(List.of("caravan.my-team.owner"), DECLARED, FAMILIES))
                .containsExactly("caravan.my-team.owner is not a Caravan setting and is ignored");
    }

    @Test
    void declaredKeysFamilyMembersAndOtherNamespacesPass() {
        assertThat(UnknownKeys.find(List.of("caravan.http.port", "caravan.flows.pins.topic",
                "caravan.kafka.client.security.protocol", "camel.main.name", "java.version"), DECLARED, FAMILIES))
                .isEmpty();
    }

    @Test
    void distanceCountsOneCharacterEdits() {
        assertThat(UnknownKeys.distance("batch-size", "batchsize")).isEqualTo(1);
        assertThat(UnknownKeys.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(UnknownKeys.distance("", "abc")).isEqualTo(3);
    }
}
