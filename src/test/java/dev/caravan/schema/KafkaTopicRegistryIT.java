package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import dev.caravan.embedded.Ports;
import dev.caravan.testing.LocalKafka;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedded registry against a real (embedded) broker: ids are the same on every instance and after a restart,
 * versions are numbered alike by everyone reading the topic, an incompatible version is refused naming the field,
 * and an id another instance registered is found by looking again.
 */
class KafkaTopicRegistryIT {

    private static final String SUBJECT = "caravan.pins-value";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final LocalKafka kafka = new LocalKafka(1);

    private static KafkaTopicRegistry registry(String topic) {
        return new KafkaTopicRegistry(dev.caravan.kafka.KafkaClientConfig.plain(kafka.bootstrapServers()), topic, TIMEOUT, subject -> subject.startsWith("free")
                ? Compatibility.NONE : Compatibility.BACKWARD);
    }

    private static Schema pinsV2() {
        String v1 = AvroSchemaFiles.current("pins").toString();
        // a new optional field: BACKWARD compatible
        return new Schema.Parser().parse(v1.replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"board\",\"type\":[\"null\",\"string\"],\"default\":null},"));
    }

    @Test
    void idsAndVersionsAreTheSameForEveryReaderAndAfterARestart() {
        Schema v1 = AvroSchemaFiles.current("pins");
        Schema v2 = pinsV2();
        int id1;
        int id2;
        try (KafkaTopicRegistry a = registry("_schemas_restart")) {
            id1 = a.register(SUBJECT, v1);
            id2 = a.register(SUBJECT, v2);
            assertThat(a.register(SUBJECT, v1)).as("registering again").isEqualTo(id1);
            assertThat(a.versions(SUBJECT)).containsExactly(1, 2);
        }
        assertThat(id1).isEqualTo(SchemaIds.of(v1)).isNotEqualTo(id2);

        try (KafkaTopicRegistry restarted = registry("_schemas_restart")) {
            assertThat(restarted.byId(id1)).isEqualTo(v1);
            assertThat(restarted.byId(id2)).isEqualTo(v2);
            assertThat(restarted.subjects()).containsExactly(SUBJECT);
            assertThat(restarted.version(SUBJECT, -1).id()).isEqualTo(id2);
            assertThat(restarted.version(SUBJECT, 1).schema()).isEqualTo(v1);
            assertThat(restarted.version(SUBJECT, 3)).isNull();
            // registering what the topic already has writes nothing new
            assertThat(restarted.register(SUBJECT, v2)).isEqualTo(id2);
            assertThat(restarted.versions(SUBJECT)).containsExactly(1, 2);
        }
    }

    @Test
    void anIdRegisteredByAnotherInstanceIsFoundByLookingAgain() {
        try (KafkaTopicRegistry a = registry("_schemas_two"); KafkaTopicRegistry b = registry("_schemas_two")) {
            assertThat(b.subjects()).isEmpty();
            int id = a.register("caravan.geo-value", AvroSchemaFiles.current("geo"));
            assertThat(b.byId(id)).isEqualTo(AvroSchemaFiles.current("geo"));
            assertThat(b.versions("caravan.geo-value")).containsExactly(1);
            assertThat(b.byId(12345)).as("an id nobody registered").isNull();
        }
    }

    @Test
    void anIncompatibleVersionIsRefusedNamingTheFieldAndNothingIsWritten() {
        Schema v1 = AvroSchemaFiles.current("users");
        // a new field without a default: records written before cannot be read with it
        Schema bad = new Schema.Parser().parse(v1.toString().replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"tier\",\"type\":\"string\"},"));
        try (KafkaTopicRegistry a = registry("_schemas_incompatible")) {
            a.register("caravan.users-value", v1);
            assertThatThrownBy(() -> a.register("caravan.users-value", bad))
                    .isInstanceOf(IncompatibleSchemaException.class)
                    .hasMessageContaining("caravan.users-value")
                    .hasMessageContaining("BACKWARD")
                    .hasMessageContaining("tier");
            assertThat(a.versions("caravan.users-value")).containsExactly(1);
            // a subject configured NONE takes it
            a.register("free-value", v1);
            a.register("free-value", bad);
            assertThat(a.versions("free-value")).containsExactly(1, 2);
        }
        try (KafkaTopicRegistry fresh = registry("_schemas_incompatible")) {
            assertThat(fresh.versions("caravan.users-value")).containsExactly(1);
            assertThat(fresh.compatibility("caravan.users-value")).isEqualTo(Compatibility.BACKWARD);
        }
    }

    @Test
    void aBrokerThatIsNotThereIsARegistryOutageNotAnUnknownId() throws Exception {
        int nobody = Ports.freePort("127.0.0.1");
        try (KafkaTopicRegistry r = new KafkaTopicRegistry(dev.caravan.kafka.KafkaClientConfig.plain("127.0.0.1:" + nobody), "_schemas", Duration.ofSeconds(2),
                s -> Compatibility.BACKWARD)) {
            assertThatThrownBy(() -> r.byId(1)).isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("_schemas");
            assertThatThrownBy(() -> r.register(SUBJECT, AvroSchemaFiles.current("pins")))
                    .isInstanceOf(SchemaRegistryException.class);
        }
    }
}
