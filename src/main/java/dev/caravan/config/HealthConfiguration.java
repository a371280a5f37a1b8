package dev.caravan.config;

import dev.caravan.health.Probes;
import dev.caravan.kafka.LazyAdmin;
import dev.caravan.settings.HttpSettings;
import dev.caravan.sink.lake.LakeBucket;

/** Readiness of what Caravan talks to: Kafka, MongoDB and the lake's bucket (the sinks' progress is the sinks'). */
final class HealthConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        LazyAdmin admin = new LazyAdmin(w.kafka(), w.settings().get(HttpSettings.HEALTH_TIMEOUT), "caravan-health");
        w.closeOnStop(admin);
        w.bind("kafkaHealthCheck", Probes.kafka(w.kafka(), admin));
        w.bind("mongoHealthCheck", Probes.mongo(w.mongo(), w.connections().mongoDatabase()));
        w.bind("s3HealthCheck", Probes.s3(w.bean("lakeBucket", LakeBucket.class)));
    }
}
