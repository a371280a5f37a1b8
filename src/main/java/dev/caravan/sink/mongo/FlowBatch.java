package dev.caravan.sink.mongo;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.flow.Flow;

/** A flow's share of a polled batch, in offset order: what its route (the flow template's) takes through its stages. */
public final class FlowBatch {

    private final Flow flow;
    private final List<SinkRecord> records = new ArrayList<>();

    FlowBatch(Flow flow) {
        this.flow = flow;
    }

    public Flow flow() {
        return flow;
    }

    /** The flow's name, for the sink route's {@code toD direct:flow-${body.flowName}}. */
    public String getFlowName() {
        return flow.name();
    }

    public List<SinkRecord> records() {
        return records;
    }

    @Override
    public String toString() {
        return "FlowBatch[" + flow.name() + ", " + records.size() + " records]";
    }
}
