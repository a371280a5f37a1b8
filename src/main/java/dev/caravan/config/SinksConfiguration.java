package dev.caravan.config;

import dev.caravan.health.Probes;
import dev.caravan.settings.MongoSinkSettings;
import dev.caravan.sink.CaravanKafkaClients;
import dev.caravan.sink.CurrentHandOuts;
import dev.caravan.sink.Ownership;
import dev.caravan.sink.SinkOutage;
import dev.caravan.sink.SinkProgress;

/** What both sinks share: which partitions each consumer owns, their progress, and how they wait out an outage. */
final class SinksConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        // every Camel Kafka consumer knows which partitions it owns; sinks with state listen for revocations
        Ownership ownership = w.bind("ownership", new Ownership());
        w.bind("caravanKafkaClients", new CaravanKafkaClients(ownership,
                w.kafka()));
        w.bind("currentHandOuts", new CurrentHandOuts());
        SinkProgress progress = w.bind("sinkProgress", new SinkProgress(
                w.get(MongoSinkSettings.SINK_STALL_LIMIT)));
        w.bind("sinkOutage", new SinkOutage(progress,
                w.get(MongoSinkSettings.SINK_RETRY_INITIAL),
                w.get(MongoSinkSettings.SINK_RETRY_MAX)));
        w.bind("sinkProgressCheck", Probes.sinks(progress));
    }
}
