package dev.caravan.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import dev.caravan.settings.LakeSettings;
import dev.caravan.settings.MongoSinkSettings;
import org.junit.jupiter.api.Test;

/** Which flows a sink takes: a deployment can run one sink only by setting the other's list empty. */
class FlowsTest {

    @Test
    void anEmptyListMeansNoFlowAndAnUnsetOneEveryFlow() {
        assertThat(Flows.sinkFlows(MongoSinkSettings.FLOWS, Optional.of(""))).isEmpty();
        assertThat(Flows.sinkFlows(LakeSettings.FLOWS, Optional.of(" "))).isEmpty();
        assertThat(Flows.sinkFlows(MongoSinkSettings.FLOWS, Optional.empty())).containsExactly("*");
        assertThat(Flows.sinkFlows(LakeSettings.FLOWS, Optional.of("pins, geo"))).containsExactlyInAnyOrder("pins", "geo");
    }
}
