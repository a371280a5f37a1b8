package dev.caravan.poll;

/** The mapper of pollers whose records go to Kafka exactly as the API sent them. */
public final class RecordAsIs {

    public Object map(Object record) {
        return record;
    }
}
