package dev.caravan.sink.mongo;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.sink.SinkConsumer;

/** What a polled batch turned into: writes for MongoDB and records for the dead-letter topics, in offset order. */
public final class SinkBatch {

    private final List<PendingWrite> writes = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<DeadLetter> writeFailures = new ArrayList<>();
    private int stale;

    public void add(PendingWrite w) {
        writes.add(w);
    }

    public void add(DeadLetter d) {
        deadLetters.add(d);
    }

    /**
     * Drops what belongs to partitions this consumer no longer owns (a rebalance during the batch's retries): their new
     * owner reads them again, and nothing of theirs may be written or dead-lettered from here.
     */
    public void retainOwned() {
        writes.removeIf(w -> !SinkConsumer.mayWrite(w.source().topic(), w.source().partition()));
        deadLetters.removeIf(d -> !SinkConsumer.mayWrite(d.source().topic(), d.source().partition()));
        writeFailures.removeIf(d -> !SinkConsumer.mayWrite(d.source().topic(), d.source().partition()));
    }

    public List<PendingWrite> writes() {
        return writes;
    }

    /** Records that failed before the write, then those MongoDB refused as bad data. */
    public List<DeadLetter> deadLetters() {
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
        return "SinkBatch[writes=" + writes.size() + ", deadLetters=" + (deadLetters.size() + writeFailures.size())
                + ", stale=" + stale + "]";
    }
}
