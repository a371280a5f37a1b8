package dev.caravan.sink;

import java.util.Properties;

import dev.caravan.kafka.KafkaClientConfig;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Kafka clients of every Camel Kafka endpoint: with Caravan's client settings on top of the endpoint's (security
 * above all, see {@link KafkaClientConfig}), and consumers that are {@link SinkConsumer}s, which know what they own and
 * keep their group membership through an outage.
 */
public final class CaravanKafkaClients extends DefaultKafkaClientFactory {

    private final Ownership ownership;
    private final KafkaClientConfig kafka;

    public CaravanKafkaClients(Ownership ownership, KafkaClientConfig kafka) {
        this.ownership = ownership;
        this.kafka = kafka;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Consumer getConsumer(Properties kafkaProps) {
        return new SinkConsumer<>(kafka.over(kafkaProps, KafkaClientConfig.Role.CONSUMER), ownership);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Producer getProducer(Properties kafkaProps) {
        return new KafkaProducer(kafka.over(kafkaProps, KafkaClientConfig.Role.PRODUCER));
    }
}
