package dev.caravan.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import dev.caravan.settings.StartupFailure;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** One surface for every Kafka client: caravan.kafka.client.* then the role's, from properties or the environment. */
class KafkaClientConfigTest {

    @Test
    void clientSettingsReachEveryRoleAndARoleSettingWinsForItsRole() {
        KafkaClientConfig kafka = new KafkaClientConfig("b:9093",
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "linger.ms", "5"),
                Map.of(KafkaClientConfig.Role.PRODUCER, Map.of("linger.ms", "20")));
        Properties producer = kafka.producer(Map.of("linger.ms", 2, "acks", "all"));
        assertThat(producer).containsEntry("bootstrap.servers", "b:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("linger.ms", "20").containsEntry("acks", "all");
        assertThat(kafka.admin(Map.of())).containsEntry("sasl.mechanism", "PLAIN").containsEntry("linger.ms", "5");
        assertThat(kafka.securityProtocol()).isEqualTo("SASL_SSL");
    }

    @Test
    void theUsersSecuritySettingsWinOverCamelsDefaults() {
        KafkaClientConfig kafka = new KafkaClientConfig("b:9093", Map.of("security.protocol", "SSL"), Map.of());
        Properties camel = new Properties();
        camel.put("security.protocol", "PLAINTEXT");
        camel.put("group.id", "caravan-mongo");
        assertThat(kafka.over(camel, KafkaClientConfig.Role.CONSUMER)).containsEntry("security.protocol", "SSL")
                .containsEntry("group.id", "caravan-mongo");
    }

    @Test
    void whatTheGuaranteesRestOnCannotBeOverridden() {
        assertThatThrownBy(() -> new KafkaClientConfig("b", Map.of(),
                Map.of(KafkaClientConfig.Role.CONSUMER, Map.of("enable.auto.commit", "true"))))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("caravan.kafka.consumer.enable.auto.commit");
        assertThatThrownBy(() -> new KafkaClientConfig("b", Map.of(),
                Map.of(KafkaClientConfig.Role.PRODUCER, Map.of("acks", "1"))))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("delivery guarantees");
        assertThatThrownBy(() -> new KafkaClientConfig("b", Map.of("bootstrap.servers", "x"), Map.of()))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("KAFKA_BROKERS");
    }

    @Test
    void settingsComeFromPropertiesAndFromTheEnvironmentAndTheirValuesAreNeverShown() {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties initial = new Properties();
        initial.put("caravan.kafka.client.sasl.mechanism", "SCRAM-SHA-512");
        initial.put("caravan.kafka.admin.request.timeout.ms", "7000");
        context.getPropertiesComponent().setInitialProperties(initial);
        KafkaClientConfig kafka = KafkaClientConfig.load(context.getPropertiesComponent(), "b:9093", Map.of(
                "CARAVAN_KAFKA_CLIENT_SASL_JAAS_CONFIG", "secret-jaas-line",
                "CARAVAN_KAFKA_CONSUMER_MAX_POLL_RECORDS", "100",
                "UNRELATED", "x"));
        assertThat(kafka.consumer(Map.of())).containsEntry("sasl.jaas.config", "secret-jaas-line")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("max.poll.records", "100");
        assertThat(kafka.admin(Map.of())).containsEntry("request.timeout.ms", "7000");
        assertThat(kafka.names()).contains("sasl.jaas.config", "consumer.max.poll.records");
        assertThat(kafka.toString()).doesNotContain("secret-jaas-line");
    }
}
