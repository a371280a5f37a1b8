package dev.caravan.sink.lake;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.support.OneLine;
import dev.caravan.schema.StreamFormats;
import dev.caravan.sink.Ownership;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka into the lake as time-partitioned NDJSON.gz files, exactly once, with wall-clock rotation.
 *
 * <p>Per topic partition, consumed records go into one open unit: a contiguous offset range split into one file per
 * zone (raw, clean) and hour bucket. The unit is flushed when it holds flush-records records or flush-bytes bytes, or
 * has been open rotate-interval: first an intent ({@code _manifests/T/P/_pending.json}: the range and the keys about to
 * be written), then the files, then the manifest, and only then the Kafka offset after the unit. A file's key is made
 * of topic, partition and its first offset, so it is deterministic, but a re-consumed range may be cut differently
 * (time decides the cut). That is why, before the first flush after a start, the intent of the partition's last unit
 * is checked: if its range ends after the offset consumption resumed from, it was never committed, and its files and
 * manifest are deleted before the range is written again. So every offset is in exactly one committed file set.
 *
 * <p>The route shows the stages (routes/sink/streams-to-lake.camel.yaml): {@link #buffer} appends a batch to the open
 * units and cuts those that are full or old, {@link #land} writes the cut units in offset order per partition,
 * {@link #commit} commits the offsets of those written; the rotation timer cuts and lands old units
 * ({@link #cutExpired}, then {@link #land}), leaving their commits to the consumer thread. This class keeps the units
 * per partition and follows the group's ownership; {@link LakeAppender} turns a record into the unit's lines and rows,
 * {@link LakeLanding} writes a unit (recovery, intent, files, manifest).
 */
public final class LakeWriter implements Ownership.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(LakeWriter.class);

    public record Limits(int flushRecords, long flushBytes, long rotateIntervalMs) {
    }

    /** Whether this process may still write and commit for a partition (it owns it in the lake's consumer group). */
    public interface Fence {
        boolean owns(String topic, int partition);

        /** For a writer that is the only one (tests). */
        Fence ALONE = (topic, partition) -> true;
    }

    /** Told about each record the clean zone could not take; the raw zone holds it. */
    public interface Refusals {
        void refused(String topic, String reason);

        Refusals NONE = (topic, reason) -> { };
    }

    private final Limits limits;
    private final Clock clock;
    private final LakeAppender appender;
    private final LakeLanding landing;
    private final Map<String, LakeUnit> open = new ConcurrentHashMap<>();
    /** Units cut from the open one (full or old), oldest first: written in this order, one commit at a time. */
    private final Map<String, java.util.Deque<LakeUnit>> cut = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Long> nextOffset = new ConcurrentHashMap<>();
    /** Partitions a rebalance under way has revoked, which it may still hand back: kept, but not written. */
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();
    /** The commit of a partition's last written set, when the rotation timer wrote it (only the consumer commits). */
    private final Map<String, KafkaManualCommit> pendingCommits = new ConcurrentHashMap<>();
    private volatile Fence fence = Fence.ALONE;
    private volatile String lastOutage;

    /** Per topic, what its flow declares: zones, format, event time and cleaning (no flow: the raw zone only). */
    public LakeWriter(LakeStore store, LakeKeys keys, Limits limits, dev.caravan.flow.Flows flows, String avroCodec,
            Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.appender = new LakeAppender(keys, flows, avroCodec, clock);
        this.landing = new LakeLanding(store, keys, clock);
    }

    /** Writes and commits only for partitions the fence says this process owns. */
    public LakeWriter fencedBy(Fence fence) {
        this.fence = fence;
        return this;
    }

    /** Counts the records the clean zone refuses. */
    public LakeWriter reportingTo(Refusals refusals) {
        appender.refusals = refusals;
        return this;
    }

    /** The compression of Parquet files: zstd, snappy or none. */
    public LakeWriter parquetCodec(String codec) {
        appender.parquetCodec = ParquetFiles.codec(codec);
        return this;
    }

    /** NDJSON files are deflated on this many threads beside the consumer's (0: on the consumer's own). */
    public LakeWriter compressingOn(int threads) {
        GzipMembers.Pool previous = appender.gzip;
        appender.gzip = new GzipMembers.Pool(threads);
        previous.close();
        return this;
    }

    /** Decodes Avro (Confluent wire format) records with these streams' schemas; without it they are opaque bytes. */
    public LakeWriter decodingWith(StreamFormats formats) {
        appender.formats = formats;
        return this;
    }

    /**
     * Stage one, on the consumer thread: the batch's records appended to their partitions' open units; a unit that
     * is full, or has been open rotate-interval, is cut and waits for {@link #land}. Records already appended (a batch
     * delivered again after a failed attempt) are skipped by offset, and so are records of partitions this consumer
     * no longer owns or handed out before the partition's latest assignment (they are read again).
     */
    public void buffer(List<Exchange> batch) throws IOException {
        Map<String, Boolean> owned = new java.util.HashMap<>();
        for (Exchange e : batch) {
            var m = e.getMessage();
            // one pass over the headers instead of a case-insensitive lookup and a conversion per header
            String topic = null;
            Integer partitionHeader = null;
            Long offsetHeader = null;
            Long timestamp = null;
            Object keyHeader = null;
            KafkaManualCommit manualCommit = null;
            for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
                switch (h.getKey()) {
                    case KafkaConstants.TOPIC -> topic = (String) h.getValue();
                    case KafkaConstants.PARTITION -> partitionHeader = (Integer) h.getValue();
                    case KafkaConstants.OFFSET -> offsetHeader = (Long) h.getValue();
                    case KafkaConstants.TIMESTAMP -> timestamp = (Long) h.getValue();
                    case KafkaConstants.KEY -> keyHeader = h.getValue();
                    case KafkaConstants.MANUAL_COMMIT -> manualCommit = (KafkaManualCommit) h.getValue();
                    default -> { }
                }
            }
            int partition = partitionHeader;
            long offset = offsetHeader;
            String tp = topic + "-" + partition;
            final String topicName = topic;
            if (!owned.computeIfAbsent(tp, k -> dev.caravan.sink.SinkConsumer.mayWrite(topicName, partition)
                    && fence.owns(topicName, partition))) {
                continue; // not this consumer's since it was polled: its owner reads it (again)
            }
            synchronized (lock(tp)) {
                if (dev.caravan.sink.HandOut.isEarlier(e, topic, partition, offset)) {
                    continue; // it comes again: taking it now could leave a gap before the records read again
                }
                if (offset < nextOffset.getOrDefault(tp, Long.MIN_VALUE)) {
                    continue;
                }
                LakeUnit unit = open.computeIfAbsent(tp, k -> new LakeUnit(topicName, partition, clock.millis()));
                String key = keyHeader == null || keyHeader instanceof String ? (String) keyHeader
                        : m.getHeader(KafkaConstants.KEY, String.class);
                Object body = m.getBody();
                appender.append(unit, offset, timestamp, key, body instanceof byte[] b ? b : m.getBody(byte[].class),
                        manualCommit);
                nextOffset.put(tp, offset + 1);
                if (unit.records >= limits.flushRecords() || unit.bytes >= limits.flushBytes()) {
                    cut(tp);
                }
            }
        }
        cutExpired();
    }

    /** Units open rotate-interval or longer are cut, so a quiet topic's records land within the interval. */
    public int cutExpired() {
        int n = 0;
        for (String tp : List.copyOf(open.keySet())) {
            synchronized (lock(tp)) {
                LakeUnit unit = open.get(tp);
                if (unit != null && clock.millis() - unit.openedAtMillis >= limits.rotateIntervalMs()) {
                    cut(tp);
                    n++;
                }
            }
        }
        return n;
    }

    /** The open unit of the partition joins its cut units. Holding its lock. */
    private void cut(String tp) {
        LakeUnit unit = open.remove(tp);
        if (unit != null && !unit.isEmpty()) {
            cut.computeIfAbsent(tp, k -> new java.util.ArrayDeque<>()).addLast(unit);
        }
    }

    /**
     * Stage two, on the consumer thread: the cut units written (intent, files, manifest), oldest first, each under
     * its partition's lock. A partition's next unit is written only after its last one is committed, so that commit
     * is made here first. Partitions being rebalanced, or not this consumer's (any more), are left. An S3 outage fails
     * the step, which is retried. Returns the number of units written.
     */
    public int land() {
        return land(true);
    }

    /**
     * The rotation timer's stage two: as {@link #land}, but a partition whose last unit waits for its commit is left
     * (Kafka consumers are single-threaded: the consumer thread commits it after its next poll), and an S3 outage is
     * logged once, the units waiting.
     */
    public int landOnTimer() {
        return land(false);
    }

    private int land(boolean consumerThread) {
        int landed = 0;
        for (String tp : List.copyOf(cut.keySet())) {
            synchronized (lock(tp)) {
                java.util.Deque<LakeUnit> units = cut.get(tp);
                while (units != null && !units.isEmpty()) {
                    LakeUnit unit = units.peekFirst();
                    if (!dev.caravan.sink.SinkConsumer.mayWrite(unit.topic, unit.partition)) {
                        break; // another consumer thread's partition
                    }
                    if (consumerThread) {
                        commitPending(tp);
                    }
                    // not ours (any more): left quietly, the next poll forgets it; a loss while landing is logged
                    if (pendingCommits.containsKey(tp) || suspended.contains(tp)
                            || !fence.owns(unit.topic, unit.partition)) {
                        break;
                    }
                    try {
                        if (!landing.land(tp, unit, () -> fenced(tp, unit))) {
                            break;
                        }
                    } catch (LakeUnavailableException outage) {
                        if (consumerThread) {
                            throw outage; // the step is retried until S3 answers
                        }
                        outage(tp, outage);
                        break;
                    }
                    units.removeFirst();
                    landed++;
                    lastOutage = null;
                    if (unit.commit != null) {
                        pendingCommits.put(tp, unit.commit);
                    }
                }
                if (units != null && units.isEmpty()) {
                    cut.remove(tp);
                }
            }
        }
        return landed;
    }

    /**
     * Stage three, on the consumer thread: the offsets of the units written so far (by this batch or by the rotation
     * timer) committed. A commit the group refuses (it is rebalancing, or this consumer was expelled) fails the step,
     * which is retried after a poll that settles the rebalance: the partition is then either gone (and forgotten) or
     * still ours (and the commit goes through).
     */
    public void commit() {
        commitPending();
    }

    /** The commits of the units written, by this consumer thread or by the rotation timer. */
    private void commitPending() {
        for (String tp : List.copyOf(pendingCommits.keySet())) {
            synchronized (lock(tp)) {
                commitPending(tp);
            }
        }
    }

    /** Commits the partition's pending commit if it is still ours. Called holding its lock, on the consumer thread. */
    private void commitPending(String tp) {
        KafkaManualCommit c = pendingCommits.get(tp);
        if (c == null) {
            return;
        }
        int dash = tp.lastIndexOf('-');
        String topic = tp.substring(0, dash);
        int partition = Integer.parseInt(tp.substring(dash + 1));
        if (!dev.caravan.sink.SinkConsumer.mayWrite(topic, partition)) {
            return; // another consumer thread's partition: its own thread commits it
        }
        if (!fence.owns(topic, partition)) {
            forget(tp);
            return;
        }
        c.commit();
        pendingCommits.remove(tp);
    }

    /**
     * After each poll of a lake consumer, records or not: the sets the rotation timer wrote for its partitions are
     * committed now, so a quiet topic's last set does not wait for a next record to be committed.
     */
    @Override
    public void afterPoll(dev.caravan.sink.SinkConsumer<?, ?> consumer) {
        for (String tp : List.copyOf(pendingCommits.keySet())) {
            int dash = tp.lastIndexOf('-');
            if (!consumer.owns(new org.apache.kafka.common.TopicPartition(tp.substring(0, dash),
                    Integer.parseInt(tp.substring(dash + 1))))) {
                continue; // another consumer's, or being revoked
            }
            synchronized (lock(tp)) {
                try {
                    commitPending(tp);
                } catch (RuntimeException e) {
                    // the group is rebalancing: the commit stays pending, for the next poll or batch
                    LOG.debug("Lake: the commit of {} waits: {}", tp, e.toString());
                }
            }
        }
    }

    /** Taking each partition's lock waits out a set the rotation timer is writing; none starts afterwards. */
    @Override
    public void suspended(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        eachLocked(partitions, suspended::add);
    }

    /** Handed back by the rebalance that revoked them: nobody else had them, so their open sets go on. */
    @Override
    public void resumed(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        eachLocked(partitions, suspended::remove);
    }

    /** The partitions moved to another consumer: their units are dropped, never written or committed from here. */
    @Override
    public void revoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        eachLocked(partitions, this::forget);
    }

    private void eachLocked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions,
            java.util.function.Consumer<String> action) {
        for (org.apache.kafka.common.TopicPartition p : partitions) {
            String tp = p.topic() + "-" + p.partition();
            synchronized (lock(tp)) {
                action.accept(tp);
            }
        }
    }

    /** Everything held for a partition; its next owner starts from the committed offset. Holding its lock. */
    private void forget(String tp) {
        cut(tp);
        java.util.Deque<LakeUnit> dropped = cut.remove(tp);
        nextOffset.remove(tp);
        landing.forget(tp);
        suspended.remove(tp);
        pendingCommits.remove(tp);
        if (dropped != null) {
            LOG.info("Lake: {} moved to another consumer; its unwritten records [{}, {}] are dropped, the new owner "
                    + "writes them", tp, dropped.peekFirst().firstOffset, dropped.peekLast().lastOffset);
        }
    }

    /** The files this process wrote last, newest first (the operator console shows them). */
    public List<Map<String, Object>> recentFiles() {
        return landing.recentFiles();
    }

    /** One line per outage the rotation timer meets; the units stay cut and are written when S3 answers. */
    private void outage(String tp, LakeUnavailableException e) {
        String line = OneLine.of(e);
        if (!line.equals(lastOutage)) {
            LOG.warn("Lake: {}; the units of {} wait and are written when S3 answers", line, tp);
            lastOutage = line;
        }
    }

    /**
     * True while this process owns the partition. A rebalance cannot take it during a flush (it waits for the lock),
     * so false means the consumer was expelled (no poll within max.poll.interval.ms): nothing more is written, and
     * the next poll tells the consumer its partitions are lost, which forgets them.
     */
    private boolean fenced(String tp, LakeUnit unit) {
        if (fence.owns(unit.topic, unit.partition)) {
            return true;
        }
        LOG.warn("Lake: {} is no longer this consumer's; its unit [{}, {}] is not written", tp, unit.firstOffset,
                unit.lastOffset);
        return false;
    }

    private Object lock(String tp) {
        return locks.computeIfAbsent(tp, k -> new Object());
    }
}
