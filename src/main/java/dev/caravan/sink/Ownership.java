package dev.caravan.sink;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.TopicPartition;

/**
 * Which partitions this process owns, per consumer group, and who must hear when one leaves. The {@link SinkConsumer}s
 * register here; sinks with state beyond a batch (the lake's open file sets) listen for their group's revocations.
 */
public final class Ownership {

    /** Told on the polling thread, inside the rebalance, so it completes before a new owner starts. */
    public interface Listener {

        /**
         * The partitions are revoked but may come back in the same rebalance: return once no write of theirs is under
         * way, start none, keep their state.
         */
        default void suspended(Collection<TopicPartition> partitions) {
        }

        /** The same rebalance handed them back: go on where they were. */
        default void resumed(Collection<TopicPartition> partitions) {
        }

        /** The partitions are gone: forget everything held for them, write and commit nothing more for them. */
        void revoked(Collection<TopicPartition> partitions);

        /** After each poll, on the consumer's thread: work only that thread may do (commits), records or not. */
        default void afterPoll(SinkConsumer<?, ?> consumer) {
        }
    }

    private final Set<SinkConsumer<?, ?>> consumers = ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.function.Supplier<? extends Set<String>>> topics = new ConcurrentHashMap<>();
    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

    /** The topics a group's consumers read, asked at every poll: a change re-subscribes them (a new flow, say). */
    public void subscribe(String group, java.util.function.Supplier<? extends Set<String>> wanted) {
        topics.put(group, wanted);
    }

    /** The topics a group should read now, or null when nobody said. */
    Set<String> wanted(String group) {
        var supplier = topics.get(group);
        return supplier == null ? null : supplier.get();
    }

    public void listen(String group, Listener listener) {
        listeners.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** True when a consumer of this process owns the partition for the group right now. */
    public boolean owns(String group, TopicPartition tp) {
        for (SinkConsumer<?, ?> c : consumers) {
            if (group.equals(c.group()) && c.owns(tp)) {
                return true;
            }
        }
        return false;
    }

    /** The consumers of a group in this process. */
    public List<SinkConsumer<?, ?>> consumers(String group) {
        return consumers.stream().filter(c -> group.equals(c.group())).toList();
    }

    void register(SinkConsumer<?, ?> consumer) {
        consumers.add(consumer);
    }

    void unregister(SinkConsumer<?, ?> consumer) {
        consumers.remove(consumer);
    }

    void suspended(String group, Collection<TopicPartition> partitions) {
        listeners.getOrDefault(group, List.of()).forEach(l -> l.suspended(partitions));
    }

    void afterPoll(String group, SinkConsumer<?, ?> consumer) {
        listeners.getOrDefault(group, List.of()).forEach(l -> l.afterPoll(consumer));
    }

    void resumed(String group, Collection<TopicPartition> partitions) {
        listeners.getOrDefault(group, List.of()).forEach(l -> l.resumed(partitions));
    }

    void revoked(String group, Collection<TopicPartition> partitions) {
        listeners.getOrDefault(group, List.of()).forEach(l -> l.revoked(partitions));
    }
}
