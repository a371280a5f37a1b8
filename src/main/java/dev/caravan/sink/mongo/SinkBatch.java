package dev.caravan.sink.mongo;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.sink.SinkConsumer;

/**
 * A polled batch on its way to MongoDB: its records in offset order, their shares by flow (what the flows' routes take
 * through their stages), and then what the records turned into: writes for MongoDB and records for the dead-letter
 * topics, still in offset order.
 */
public final class SinkBatch {

    private final List<SinkRecord> records = new ArrayList<>();
    private final List<FlowBatch> shares = new ArrayList<>();
    // gathered from the records once, when the write first asks (after the flows' stages ran)
    private List<PendingWrite> writes;
    private List<DeadLetter> deadLetters;
    private final List<DeadLetter> writeFailures = new ArrayList<>();
    private int stale;

    void add(SinkRecord r) {
        records.add(r);
    }

    /** The batch's shares by flow, in the order of each flow's first record (the sink route splits on these). */
    public List<FlowBatch> shares() {
        return shares;
    }

    public void add(PendingWrite w) {
        gather();
        writes.add(w);
    }

    public void add(DeadLetter d) {
        gather();
        deadLetters.add(d);
    }

    /** Each record's writes, or its dead letter; a record whose flow's route ended before the write stage is one. */
    private void gather() {
        if (writes != null) {
            return;
        }
        writes = new ArrayList<>();
        deadLetters = new ArrayList<>();
        for (SinkRecord r : records) {
            if (r.failure() != null) {
                deadLetters.add(r.failure());
            } else if ("write".equals(r.passed()) && r.value() instanceof List<?> pending) {
                pending.forEach(w -> writes.add((PendingWrite) w));
            } else {
                deadLetters.add(new DeadLetter(r.source(), "route", IllegalStateException.class.getName(),
                        "the flow's route ended without a write, after stage " + r.passed()));
            }
        }
    }

    /**
     * Drops what belongs to partitions this consumer no longer owns (a rebalance during the batch's retries): their new
     * owner reads them again, and nothing of theirs may be written or dead-lettered from here.
     */
    public void retainOwned() {
        gather();
        writes.removeIf(w -> !SinkConsumer.mayWrite(w.source().topic(), w.source().partition()));
        deadLetters.removeIf(d -> !SinkConsumer.mayWrite(d.source().topic(), d.source().partition()));
        writeFailures.removeIf(d -> !SinkConsumer.mayWrite(d.source().topic(), d.source().partition()));
    }

    public List<PendingWrite> writes() {
        gather();
        return writes;
    }

    /** Records that failed before the write, then those MongoDB refused as bad data. */
    public List<DeadLetter> deadLetters() {
        gather();
        List<DeadLetter> all = new ArrayList<>(deadLetters);
        all.addAll(writeFailures);
        return all;
    }

    /** A new write attempt starts with no write failures: a retried batch must not dead-letter twice. */
    void startWriteAttempt() {
        writeFailures.clear();
        stale = 0;
    }

    void addWriteFailure(DeadLetter d) {
        writeFailures.add(d);
    }

    void countStale(int n) {
        stale += n;
    }

    /** Writes skipped because the stored document was newer. */
    public int stale() {
        return stale;
    }

    @Override
    public String toString() {
        gather();
        return "SinkBatch[writes=" + writes.size() + ", deadLetters=" + (deadLetters.size() + writeFailures.size())
                + ", stale=" + stale + "]";
    }
}
