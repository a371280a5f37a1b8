package dev.caravan.kafka;

import java.util.Properties;

import dev.caravan.sink.Ownership;
import dev.caravan.sink.SinkConsumer;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The Kafka clients of every Camel Kafka endpoint: consumers are {@link SinkConsumer}s, which know what they own and
 * keep their group membership through an outage.
 */
public final class CaravanKafkaClients extends DefaultKafkaClientFactory {

    private final Ownership ownership;

    public CaravanKafkaClients(Ownership ownership) {
        this.ownership = ownership;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Consumer getConsumer(Properties kafkaProps) {
        return new SinkConsumer<>(kafkaProps, ownership);
    }
}
