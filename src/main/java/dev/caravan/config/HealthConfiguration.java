package dev.caravan.config;

import dev.caravan.health.KafkaHealthCheck;
import dev.caravan.health.MongoHealthCheck;
import dev.caravan.health.S3HealthCheck;
import dev.caravan.settings.HttpSettings;
import dev.caravan.sink.lake.LakeBucket;

/** Readiness of what Caravan talks to: Kafka, MongoDB and the lake's bucket (the sinks' progress is the sinks'). */
final class HealthConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        KafkaHealthCheck kafka = w.bind("kafkaHealthCheck", new KafkaHealthCheck(
                w.kafka(),
                (int) w.settings().get(HttpSettings.HEALTH_TIMEOUT).toMillis()));
        w.closeOnStop(kafka);
        w.bind("mongoHealthCheck", new MongoHealthCheck(w.mongo(),
                w.connections().mongoDatabase()));
        w.bind("s3HealthCheck", new S3HealthCheck(w.bean("lakeBucket", LakeBucket.class)));
    }
}
