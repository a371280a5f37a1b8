package dev.caravan.sink.mongo;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects what each record of a batch became, a pending write or a dead letter, in batch order. An outage that
 * escaped a record's route (the schema registry not answering) fails the batch instead.
 */
public final class SinkBatchStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange;
        if (result == null) {
            result = newExchange.copy();
            result.getMessage().setBody(new SinkBatch());
        }
        if (newExchange.getException() instanceof dev.caravan.schema.SchemaRegistryException outage) {
            // not the record's fault: the whole batch fails and is retried (routes/config/mongo-sink-errors)
            result.setException(outage);
            return result;
        }
        SinkBatch batch = result.getMessage().getBody(SinkBatch.class);
        Object outcome = newExchange.getMessage().getBody();
        if (outcome instanceof PendingWrite w) {
            batch.add(w);
        } else if (outcome instanceof java.util.List<?> writes && !writes.isEmpty()
                && writes.stream().allMatch(PendingWrite.class::isInstance)) {
            writes.forEach(x -> batch.add((PendingWrite) x));
        } else if (outcome instanceof DeadLetter d) {
            batch.add(d);
        } else {
            batch.add(new DeadLetter(MongoWrites.source(newExchange), "route", IllegalStateException.class.getName(),
                    "the record's route ended without a write: " + (outcome == null ? "no body" : outcome.getClass())));
        }
        return result;
    }
}
