package dev.caravan.sink.mongo;

import dev.caravan.flow.Flow;

/**
 * One record of a polled batch on its way to MongoDB: where it came from, its flow, what it has become so far (the
 * value bytes, then a field map, then a cleaned document, then its writes) and the last stage it passed. A record that
 * failed keeps its dead letter and takes no further stage.
 */
public final class SinkRecord {

    private final SourceRecord source;
    private final Flow flow;
    private Object value;
    private String passed;
    private DeadLetter failure;

    SinkRecord(SourceRecord source, Flow flow) {
        this.source = source;
        this.flow = flow;
        this.value = source.value();
    }

    public SourceRecord source() {
        return source;
    }

    public Flow flow() {
        return flow;
    }

    public Object value() {
        return value;
    }

    /** The stage this record passed last; null before the first. */
    public String passed() {
        return passed;
    }

    public DeadLetter failure() {
        return failure;
    }

    void pass(String stage, Object result) {
        value = result;
        passed = stage;
    }

    void fail(String stage, Throwable cause) {
        failure = DeadLetter.of(source, stage, cause);
    }
}
