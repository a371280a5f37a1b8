package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TestCertificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caravan on a Kafka that wants TLS and SASL, as every managed Kafka does: a broker with a SASL_SSL listener
 * (SCRAM-SHA-512, a certificate from a CA made for the test) and an SSL listener that requires a client certificate.
 * Every client Caravan makes (ingest, both sinks, dead letters, the schema registry's topic, admin and health) takes
 * caravan.kafka.client.*; with the right credentials records flow end to end, with wrong ones the start stops with
 * one line and no stack trace.
 */
class SecureKafkaIT {

    private static final String PIN = "{\"index\":%d,\"unique_id\":\"pin-%d\",\"title\":\"t\",\"description\":\"d\","
            + "\"follower_count\":\"1k\",\"category\":\"diy\",\"downloaded\":1,\"save_location\":\"Local save in /data/diy\","
            + "\"tag_list\":\"a\",\"is_image_or_video\":\"image\",\"image_src\":\"x\"}";
    private static final String GEO = "{\"ind\":%d,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":1.5,"
            + "\"longitude\":2.5,\"country\":\"Chad\"}";

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static EmbeddedKafka broker;
    static final String SCRAM_PASSWORD = "scram-" + java.util.UUID.randomUUID();

    @BeforeAll
    static void startASecuredBroker() throws Exception {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("tls")));
        Map<String, String> tls = new HashMap<>();
        tls.put("ssl.keystore.location", certs.brokerKeystore());
        tls.put("ssl.keystore.type", "PKCS12");
        tls.put("ssl.keystore.password", certs.password());
        tls.put("ssl.key.password", certs.password());
        tls.put("ssl.truststore.location", certs.truststore());
        tls.put("ssl.truststore.type", "PKCS12");
        tls.put("ssl.truststore.password", certs.password());
        tls.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        tls.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        tls.put("listener.name.ssl.ssl.client.auth", "required");
        broker = new EmbeddedKafka(dir.resolve("kafka"), "127.0.0.1", Ports.freePort("127.0.0.1"), 3)
                .withListener("SASL_SSL", Ports.freePort("127.0.0.1"), tls)
                .withListener("SSL", Ports.freePort("127.0.0.1"), Map.of());
        broker.start();
        // the broker's own PLAINTEXT listener creates the SCRAM user; Caravan never sees that listener
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("caravan",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), SCRAM_PASSWORD))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void withScramOverSaslSslRecordsFlowToMongoDbAndTheLakeAndTheRegistryWorks() throws Exception {
        Map<String, String> settings = saslSsl(SCRAM_PASSWORD);
        settings.put("caravan.flows.geo.format", "avro"); // its schema is registered in a Kafka topic, over SASL_SSL
        settings.put("caravan.lake.rotate-interval-ms", "1000");
        settings.put("caravan.lake.check-interval-ms", "200");
        try (RunningCaravan app = RunningCaravan.start(dir.resolve("app-sasl"), settings)) {
            assertThat(app.post("/api/v1/streams/pins", "application/json", PIN.formatted(1, 1)).statusCode())
                    .isEqualTo(202);
            assertThat(app.post("/api/v1/streams/geo", "application/json", GEO.formatted(1)).statusCode())
                    .isEqualTo(202);
            await("pin in MongoDB").atMost(Duration.ofSeconds(60))
                    .until(() -> app.mongo().getCollection("pins").find(Filters.eq("unique_id", "pin-1")).first() != null);
            await("Avro geo in MongoDB").atMost(Duration.ofSeconds(60))
                    .until(() -> app.mongo().getCollection("geo").find(Filters.eq("ind", 1L)).first() != null);
            await("pin in the lake").atMost(Duration.ofSeconds(60))
                    .until(() -> !LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.pins/").isEmpty());
            assertThat(app.get("/registry/subjects").body()).contains("caravan.geo-value");
            String health = app.get("/observe/health").body();
            assertThat(health).contains("\"kafka\",\"status\":\"UP\"").doesNotContain(SCRAM_PASSWORD)
                    .doesNotContain(certs.password());
            assertThat(app.get("/observe/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void wrongCredentialsStopTheStartWithOneLineNamingTheBrokersAndTheReason() throws Exception {
        Map<String, String> env = new HashMap<>();
        saslSsl("not-the-password").forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_').replace('-', '_'), v));
        env.put("CARAVAN_HTTP_PORT", "0");
        env.put("CARAVAN_EMBEDDED_MONGO_PORT", "0");
        env.put("CARAVAN_EMBEDDED_S3_PORT", "0");
        Path work = Files.createDirectories(dir.resolve("jar-wrong"));
        try (CaravanProcess app = CaravanProcess.start(work, env)) {
            assertThat(app.waitFor(Duration.ofSeconds(90))).isTrue();
            assertThat(app.process().exitValue()).isEqualTo(2);
            app.awaitOutputClosed();
            assertThat(app.stderrLines()).singleElement().asString()
                    .startsWith("caravan: Kafka at " + broker.bootstrapServers("SASL_SSL") + " (SASL_SSL) refused Caravan's credentials")
                    .contains("SaslAuthenticationException").contains("caravan.kafka.client.");
            assertThat(app.stdout() + app.stderr()).doesNotContain("\tat ").doesNotContain("not-the-password");
        }
    }

    @Test
    void mutualTlsWithAClientCertificateWorksAndWithoutOneTheStartStops() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("caravan.kafka.brokers", broker.bootstrapServers("SSL"));
        settings.put("caravan.kafka.client.security.protocol", "SSL");
        settings.put("caravan.kafka.client.ssl.truststore.location", certs.truststore());
        settings.put("caravan.kafka.client.ssl.truststore.type", "PKCS12");
        settings.put("caravan.kafka.client.ssl.truststore.password", certs.password());
        assertThatThrownBy(() -> RunningCaravan.start(dir.resolve("app-no-cert"), settings).close())
                .rootCause().hasMessageContaining("(SSL) refused the TLS handshake");

        settings.put("caravan.kafka.client.ssl.keystore.location", certs.clientKeystore());
        settings.put("caravan.kafka.client.ssl.keystore.type", "PKCS12");
        settings.put("caravan.kafka.client.ssl.keystore.password", certs.password());
        settings.put("caravan.kafka.client.ssl.key.password", certs.password());
        try (RunningCaravan app = RunningCaravan.start(dir.resolve("app-mtls"), settings)) {
            assertThat(app.post("/api/v1/streams/pins", "application/json", PIN.formatted(2, 2)).statusCode())
                    .isEqualTo(202);
            await("pin in MongoDB").atMost(Duration.ofSeconds(60))
                    .until(() -> app.mongo().getCollection("pins").find(Filters.eq("unique_id", "pin-2")).first() != null);
        }
    }

    private static Map<String, String> saslSsl(String password) {
        Map<String, String> s = new HashMap<>();
        s.put("caravan.kafka.brokers", broker.bootstrapServers("SASL_SSL"));
        s.put("caravan.kafka.client.security.protocol", "SASL_SSL");
        s.put("caravan.kafka.client.sasl.mechanism", "SCRAM-SHA-512");
        s.put("caravan.kafka.client.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"caravan\" password=\"" + password + "\";");
        s.put("caravan.kafka.client.ssl.truststore.location", certs.truststore());
        s.put("caravan.kafka.client.ssl.truststore.type", "PKCS12");
        s.put("caravan.kafka.client.ssl.truststore.password", certs.password());
        return s;
    }
}
