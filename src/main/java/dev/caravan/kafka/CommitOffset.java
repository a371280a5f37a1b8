package dev.caravan.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * The last step of a Kafka-consuming route: commits the record's offset once the sink has written it. Routes consume
 * with autoCommitEnable=false and allowManualCommit=true, so a crash before this step re-delivers the record.
 */
public final class CommitOffset implements Processor {

    @Override
    public void process(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no Kafka manual-commit handle on the exchange: consume with "
                    + "allowManualCommit=true and autoCommitEnable=false");
        }
        commit.commit();
    }
}
