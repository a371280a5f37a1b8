package dev.caravan.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka consumer behind every Camel Kafka endpoint (see {@code CaravanKafkaClients}). Beside what a plain consumer
 * does, it knows which partitions it may write and commit for right now, and when it last polled:
 * <ul>
 * <li>A partition revoked in a rebalance stops being owned at once, and the group's {@link Ownership} listeners hear
 * it on the polling thread, before the rebalance can complete, so no write of this process races the new owner. A
 * partition the same rebalance hands back (the eager protocol revokes everything first) was never anyone else's: it
 * continues where it was, at the offset after the last record handed out, with the sinks' state kept.</li>
 * <li>Past max.poll.interval.ms without a poll, Kafka's heartbeat thread has left the group: nothing is owned any more.</li>
 * <li>During an outage a sink waits in {@link #keepAlive}, polling with every partition paused, so it keeps its group
 * membership however long the outage lasts, and sees the rebalances that happen meanwhile. A partition such a
 * rebalance assigns afresh (it was another member's in between) is not writable until the next regular poll: the
 * batch the sink still holds has its records from before, which the other member may have written past.</li>
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
    /** The offset after the last record poll handed out, per partition. */
    private final Map<TopicPartition, Long> handedOut = new HashMap<>();
    private final Set<TopicPartition> pausedForOutage = new HashSet<>();
    /** Assigned afresh since the records being written were handed out; cleared by the next regular poll. */
    private final Set<TopicPartition> reassigned = ConcurrentHashMap.newKeySet();
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

    /**
     * Owned now, for the records handed out last: assigned, not being revoked, not assigned afresh since that poll,
     * and polled recently enough to still be in the group.
     */
    public boolean owns(TopicPartition tp) {
        return owned.contains(tp) && !reassigned.contains(tp) && System.nanoTime() - lastPollNanos < maxPollIntervalNanos;
    }

    /** Nanoseconds since the last poll (the consumer leaves its group when this passes max.poll.interval.ms). */
    public long sinceLastPollNanos() {
        return System.nanoTime() - lastPollNanos;
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
        // whatever this poll hands out was fetched under the current assignment
        reassigned.clear();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<K, V>> got = records.records(tp);
            handedOut.put(tp, got.get(got.size() - 1).offset() + 1);
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
        gone.forEach(handedOut::remove);
        if (!gone.isEmpty()) {
            ownership.revoked(group, gone);
        }
    }

    private void lost(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        reassigned.removeAll(partitions);
        revoking.removeAll(partitions);
        partitions.forEach(handedOut::remove);
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
            for (TopicPartition tp : partitions) {
                Long next = handedOut.get(tp);
                if (revoking.contains(tp) && next != null) {
                    // handed back by the same rebalance: nobody else read it, continue after what we already have
                    seek(tp, next);
                } else {
                    handedOut.remove(tp);
                    reassigned.add(tp);
                }
            }
            Set<TopicPartition> back = new HashSet<>(partitions);
            back.retainAll(revoking);
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
