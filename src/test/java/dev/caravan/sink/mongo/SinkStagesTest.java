package dev.caravan.sink.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.caravan.schema.SchemaRegistryException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A stage over a flow's share: each record once, failures as dead letters, an outage fails the step for a retry. */
class SinkStagesTest {

    private final List<Long> seen = new ArrayList<>();

    @Test
    void aStageTakesTheRecordsThatPassedThePreviousOneAndTurnsFailuresIntoDeadLetters() throws Exception {
        FlowBatch share = share(3);
        share.records().get(1).fail("parse", new IllegalArgumentException("earlier"));
        Processor clean = SinkStages.stage("clean", null, r -> {
            seen.add(r.source().offset());
            if (r.source().offset() == 2) {
                throw new IllegalArgumentException("bad\n  value");
            }
            return "cleaned";
        });

        clean.process(exchange(share));

        assertThat(seen).as("the record that failed before is not taken").containsExactly(0L, 2L);
        assertThat(share.records().get(0).passed()).isEqualTo("clean");
        assertThat(share.records().get(0).value()).isEqualTo("cleaned");
        assertThat(share.records().get(2).failure()).isEqualTo(new DeadLetter(share.records().get(2).source(), "clean",
                IllegalArgumentException.class.getName(), "bad value"));
    }

    @Test
    void anOutageFailsTheStepAndItsRetrySkipsWhatAlreadyPassed() throws Exception {
        FlowBatch share = share(3);
        boolean[] registryDown = {true};
        Processor parse = SinkStages.stage("parse", null, r -> {
            seen.add(r.source().offset());
            if (r.source().offset() == 1 && registryDown[0]) {
                throw new SchemaRegistryException("registry down", 503);
            }
            return Map.of();
        });
        Exchange exchange = exchange(share);

        assertThatThrownBy(() -> parse.process(exchange)).isInstanceOf(SchemaRegistryException.class);
        registryDown[0] = false;
        parse.process(exchange);

        assertThat(seen).as("record 0 parsed once, record 1 again after the outage").containsExactly(0L, 1L, 1L, 2L);
        assertThat(share.records()).allSatisfy(r -> {
            assertThat(r.failure()).isNull();
            assertThat(r.passed()).isEqualTo("parse");
        });
    }

    private static FlowBatch share(int n) {
        FlowBatch share = new FlowBatch(null);
        for (int i = 0; i < n; i++) {
            share.records().add(new SinkRecord(new SourceRecord("t", 0, i, null, new byte[0], Map.of()), null));
        }
        return share;
    }

    private static Exchange exchange(FlowBatch share) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setBody(share);
        return e;
    }
}
