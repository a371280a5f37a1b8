package dev.caravan.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka consumer behind every Camel Kafka endpoint (see {@code CaravanKafkaClients}). Beside what a plain consumer
 * does, it knows which partitions it may write and commit for right now, and when it last polled:
 * <ul>
 * <li>A partition revoked in a rebalance stops being owned at once, and the group's {@link Ownership} listeners hear
 * it on the polling thread, before the rebalance can complete, so no write of this process races the new owner. A
 * partition the same rebalance hands back (the eager protocol revokes everything first) was never anyone else's: the
 * sinks keep their state for it.</li>
 * <li>Every assignment, handed back or new, starts a new hand-out from the committed offset, and {@link #handOutStart}
 * says at which offset. Camel's batching keeps the records of several polls before a batch is processed, so a batch
 * may hold records handed out before a rebalance: some were refused while the partition was being revoked, others
 * may be processed after it came back. Neither is lost: they are handed out again, and a sink with state of its own
 * (the lake's open file set) takes a partition's records again only from the first record of the new hand-out on,
 * in processing order.</li>
 * <li>Past max.poll.interval.ms without a poll, Kafka's heartbeat thread has left the group: nothing is owned any more.</li>
 * <li>During an outage a sink waits in {@link #keepAlive}, polling with every partition paused, so it keeps its group
 * membership however long the outage lasts, and sees the rebalances that happen meanwhile.</li>
 * </ul>
 */
public final class SinkConsumer<K, V> extends KafkaConsumer<K, V> {

    private static final ThreadLocal<SinkConsumer<?, ?>> CURRENT = new ThreadLocal<>();
    /** Longest single poll while keeping alive, so a stop or a rebalance is noticed within it. */
    private static final long SLICE_NANOS = Duration.ofMillis(500).toNanos();

    private final Ownership ownership;
    private final String group;
    private final long maxPollIntervalNanos;
    /** Written on the polling thread, read by others (the lake's rotation timer). */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    /** Revoked by the rebalance under way; whether they come back is known when it assigns. */
    private final Set<TopicPartition> revoking = new HashSet<>();
    /** The offset of the first record handed out since the partition's latest assignment (absent until then). */
    private final Map<TopicPartition, Long> handOutStart = new ConcurrentHashMap<>();
    /** Partitions whose sink has processed the first record of the current hand-out (records come in hand-out order). */
    private final Set<TopicPartition> handOutReached = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> pausedForOutage = new HashSet<>();
    private volatile long lastPollNanos = System.nanoTime();
    /** The listener of the current subscription, to re-subscribe with when the group's topics change. */
    private Watch watch;
    /** Subscribed to {@link #NOTHING}: no flow feeds this group now. */
    private boolean idle;
    private static final java.util.regex.Pattern NOTHING = java.util.regex.Pattern.compile("^$");

    public SinkConsumer(Properties properties, Ownership ownership) {
        super(properties);
        this.ownership = ownership;
        this.group = properties.getProperty(ConsumerConfig.GROUP_ID_CONFIG, "");
        Object interval = properties.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        this.maxPollIntervalNanos = Duration.ofMillis(interval == null ? 300_000
                : Long.parseLong(interval.toString().trim())).toNanos();
        ownership.register(this);
    }

    /** The consumer that polls on this thread (a sink route runs on its consumer's thread), or null. */
    public static SinkConsumer<?, ?> current() {
        return CURRENT.get();
    }

    /** True when the calling thread's consumer may write and commit for the partition (true off a consumer thread). */
    public static boolean mayWrite(String topic, int partition) {
        SinkConsumer<?, ?> c = CURRENT.get();
        return c == null || c.owns(new TopicPartition(topic, partition));
    }

    public String group() {
        return group;
    }

    /** Owned now: assigned, not being revoked, and polled recently enough to still be in the group. */
    public boolean owns(TopicPartition tp) {
        return owned.contains(tp) && System.nanoTime() - lastPollNanos < maxPollIntervalNanos;
    }

    /**
     * The offset of the first record this consumer handed out for the partition since its latest assignment, or null
     * (not owned, or nothing handed out yet). In processing order, a record of the partition before that one was
     * handed out under an earlier assignment, and is handed out again.
     */
    public Long handOutStart(TopicPartition tp) {
        return owns(tp) ? handOutStart.get(tp) : null;
    }

    /**
     * For the sink processing this consumer's records, in the order they were handed out: whether this record is of
     * the partition's current hand-out, i.e. the first one of it ({@link #handOutStart}) or a later one. A record
     * before that first one was handed out under an earlier assignment, and is handed out again.
     */
    public boolean inCurrentHandOut(TopicPartition tp, long offset) {
        if (handOutReached.contains(tp) && owns(tp)) {
            return true;
        }
        Long start = handOutStart(tp);
        if (start != null && start == offset) {
            handOutReached.add(tp);
            return true;
        }
        return false;
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        watch = new Watch(listener);
        super.subscribe(topics, watch);
    }

    @Override
    public void subscribe(Collection<String> topics) {
        super.subscribe(topics, new Watch(new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        }));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, new Watch(listener));
    }

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        CURRENT.set(this);
        if (!pausedForOutage.isEmpty()) {
            Set<TopicPartition> back = new HashSet<>(pausedForOutage);
            back.retainAll(assignment());
            resume(back);
            pausedForOutage.clear();
        }
        followTopics();
        lastPollNanos = System.nanoTime();
        ConsumerRecords<K, V> records = super.poll(timeout);
        for (TopicPartition tp : records.partitions()) {
            handOutStart.putIfAbsent(tp, records.records(tp).get(0).offset());
        }
        ownership.afterPoll(group, this);
        return records;
    }

    /**
     * Re-subscribes when the group's topics changed (a flow added or removed); the rebalance does the rest. With no
     * topic left the consumer subscribes to a pattern no topic matches: it stays a quiet member rather than failing
     * its polls.
     */
    private void followTopics() {
        Set<String> wanted = ownership.wanted(group);
        if (wanted == null || watch == null || wanted.equals(subscription()) && idle == wanted.isEmpty()) {
            return;
        }
        if (wanted.isEmpty() != idle) {
            // a topic list and a pattern cannot replace each other: leave the one subscription before the other
            unsubscribe();
        }
        if (wanted.isEmpty()) {
            super.subscribe(NOTHING, watch);
        } else {
            super.subscribe(List.copyOf(wanted), watch);
        }
        idle = wanted.isEmpty();
    }

    /**
     * Waits about {@code wait} on the polling thread without leaving the group: polls with every partition paused.
     * Records of a partition a rebalance assigns meanwhile are not handed out; the partition is sent back to them and
     * paused too. Partitions are resumed by the next regular poll.
     */
    public void keepAlive(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            Set<TopicPartition> assigned = assignment();
            pause(assigned);
            pausedForOutage.addAll(assigned);
            long left = Math.max(0, Math.min(deadline - System.nanoTime(), SLICE_NANOS));
            lastPollNanos = System.nanoTime();
            ConsumerRecords<K, V> got = super.poll(Duration.ofNanos(left));
            for (TopicPartition tp : got.partitions()) {
                seek(tp, got.records(tp).get(0).offset());
                pause(List.of(tp));
                pausedForOutage.add(tp);
            }
        } while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted());
    }

    @Override
    public void unsubscribe() {
        super.unsubscribe();
        settleRevocations(Set.of());
    }

    @Override
    public void close(Duration timeout) {
        try {
            super.close(timeout);
        } finally {
            settleRevocations(Set.of());
            lost(Set.copyOf(owned));
            ownership.unregister(this);
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void settleRevocations(Collection<TopicPartition> assigned) {
        Set<TopicPartition> gone = new HashSet<>(revoking);
        gone.removeAll(assigned);
        revoking.clear();
        gone.forEach(handOutStart::remove);
        gone.forEach(handOutReached::remove);
        if (!gone.isEmpty()) {
            ownership.revoked(group, gone);
        }
    }

    private void lost(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        revoking.removeAll(partitions);
        partitions.forEach(handOutStart::remove);
        partitions.forEach(handOutReached::remove);
        if (!partitions.isEmpty()) {
            ownership.revoked(group, partitions);
        }
    }

    /** Keeps ownership in step with the group, around Camel's own listener. */
    private final class Watch implements ConsumerRebalanceListener {

        private final ConsumerRebalanceListener camel;

        Watch(ConsumerRebalanceListener camel) {
            this.camel = camel;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // first: returns once no write for them is under way (the lake's timer holds a partition's lock while it
            // writes) and none can start; only then are they not owned, so no write stops half-way for a rebalance
            ownership.suspended(group, partitions);
            owned.removeAll(partitions);
            revoking.addAll(partitions);
            camel.onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            camel.onPartitionsAssigned(partitions);
            partitions.forEach(handOutStart::remove);
            partitions.forEach(handOutReached::remove);
            Set<TopicPartition> back = new HashSet<>(partitions);
            back.retainAll(revoking);
            if (!back.isEmpty()) {
                // handed back: records handed out before may have been refused while it was being revoked, so it is
                // read again from its committed offset (a sink skips by offset what it already has)
                Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = committed(back);
                Set<TopicPartition> never = new HashSet<>();
                for (TopicPartition tp : back) {
                    var c = committed.get(tp);
                    if (c == null) {
                        never.add(tp);
                    } else {
                        seek(tp, c.offset());
                    }
                }
                if (!never.isEmpty()) {
                    seekToBeginning(never); // nothing committed yet: as auto.offset.reset=earliest would
                }
            }
            settleRevocations(partitions);
            owned.addAll(partitions);
            if (!back.isEmpty()) {
                ownership.resumed(group, back);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lost(partitions);
            camel.onPartitionsLost(partitions);
        }
    }
}
