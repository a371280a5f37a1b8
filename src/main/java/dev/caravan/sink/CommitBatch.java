package dev.caravan.sink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * The last step of a batching sink route: commits, for every partition in the batch that this consumer still owns,
 * the offset after its last record. Runs only once the batch's writes and dead letters are acknowledged.
 */
public final class CommitBatch {

    public void commit(List<Exchange> records) {
        Map<String, Exchange> lastPerPartition = new LinkedHashMap<>();
        for (Exchange r : records) {
            var m = r.getMessage();
            String tp = m.getHeader(KafkaConstants.TOPIC) + "-" + m.getHeader(KafkaConstants.PARTITION);
            Exchange seen = lastPerPartition.get(tp);
            if (seen == null || seen.getMessage().getHeader(KafkaConstants.OFFSET, Long.class)
                    < m.getHeader(KafkaConstants.OFFSET, Long.class)) {
                lastPerPartition.put(tp, r);
            }
        }
        for (Exchange last : lastPerPartition.values()) {
            var m = last.getMessage();
            if (!SinkConsumer.mayWrite(m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, Integer.class))) {
                continue; // moved to another consumer meanwhile: its commit is the new owner's
            }
            KafkaManualCommit commit = m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("no manual-commit handle on the batch: consume with allowManualCommit=true");
            }
            // a commit the group refuses (rebalancing, or this consumer expelled) fails the step; its retry comes
            // after a poll that settles the rebalance, and then commits only what is still ours
            commit.commit();
        }
    }
}
