package dev.caravan.config;

import dev.caravan.embedded.Connections;
import dev.caravan.flow.Flows;
import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.ops.Redrive;
import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.MongoSinkSettings;
import dev.caravan.sink.CommitBatch;
import dev.caravan.sink.Ownership;
import dev.caravan.sink.mongo.CollectionWrites;
import dev.caravan.sink.mongo.DeadLetters;
import dev.caravan.sink.mongo.MongoBulkWriter;
import dev.caravan.sink.mongo.MongoWrites;
import dev.caravan.sink.mongo.RecordParser;
import dev.caravan.sink.mongo.SinkStages;
import dev.caravan.support.Meters;

/** The MongoDB sink: parsing, the flows' writes, bulk writer, dead letters with their redrive, batch commits. */
final class MongoSinkConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        Flows flows = w.flows();
        Connections c = w.connections();
        KafkaClientConfig kafka = w.kafka();
        Meters meters = new Meters(w.context());
        // the sink subscribes to its flows' topics, again whenever the flows change
        w.bean("ownership", Ownership.class).subscribe(w.get(MongoSinkSettings.GROUP), flows::mongoTopics);
        SinkStages.bind(w.context().getRegistry(), flows, new RecordParser(w.formats()),
                new MongoWrites(flows));
        // the metrics' refresh asks whether this sink wrote what they read
        CollectionWrites writes = w.bind("collectionWrites", new CollectionWrites());
        String writePlan = w.get(MongoSinkSettings.WRITE_PLAN);
        w.bind("mongoBulkWriter", new MongoBulkWriter(w.mongo(), c.mongoDatabase(),
                writes)
                .readingFirst(writePlan.equals("read-first") || writePlan.equals("auto") && c.mongoEmbedded())
                .countingIn(meters));
        DeadLetters deadLetters = w.bind("deadLetters", new DeadLetters(kafka,
                w.get(MongoSinkSettings.DLQ_SUFFIX),
                w.get(IngestSettings.TIMEOUT))
                .countingIn(meters));
        w.closeOnStop(deadLetters);
        w.bind("commitBatch", new CommitBatch());
        w.bind("redrive", new Redrive(kafka, w.get(MongoSinkSettings.DLQ_SUFFIX),
                w.get(MongoSinkSettings.DLQ_REDRIVE_GROUP),
                w.get(IngestSettings.TIMEOUT)));
    }
}
