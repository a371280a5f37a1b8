package dev.caravan.sink;

import org.apache.camel.Exchange;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a record handed out before its partition's latest assignment from one of the current hand-out. Camel's
 * batching consumer keeps the records of several polls before the route gets them, so a batch can hold records from
 * before a rebalance; every assignment reads the partition again from its committed offset, and those earlier records
 * come again. A sink takes a partition's records only from the first record of the current hand-out on, so it cannot
 * go past offsets it has not seen, nor commit beyond what it wrote.
 */
public final class HandOut {

    /** Set on a record's exchange once it is known to be of an earlier hand-out: a retried batch decides the same. */
    public static final String EARLIER = "caravanEarlierHandOut";

    private HandOut() {
    }

    /** True when the record was handed out before its partition's latest assignment; false off a consumer thread. */
    public static boolean isEarlier(Exchange record, String topic, int partition, long offset) {
        if (record.getProperty(EARLIER) != null) {
            return true;
        }
        SinkConsumer<?, ?> consumer = SinkConsumer.current();
        if (consumer == null || consumer.inCurrentHandOut(new TopicPartition(topic, partition), offset)) {
            return false;
        }
        record.setProperty(EARLIER, Boolean.TRUE);
        return true;
    }
}
