package dev.caravan.config;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.caravan.embedded.Connections;
import dev.caravan.embedded.EmbeddedServices;
import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.kafka.KafkaProbe;
import dev.caravan.settings.ConnectionSettings;
import dev.caravan.settings.HttpSettings;
import dev.caravan.settings.Settings;
import dev.caravan.sink.lake.LakeBucket;
import dev.caravan.support.OneLine;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Kafka, MongoDB and S3: embedded servers for whatever is not configured, and the clients every route and bean uses
 * (kafkaClientConfig, mongoClient, s3Client, lakeBucket, connections).
 */
public final class ClientsConfiguration extends Capability {

    private static final Logger LOG = LoggerFactory.getLogger(ClientsConfiguration.class);

    @Override
    void wire(Wiring w) throws Exception {
        EmbeddedServices embedded = new EmbeddedServices();
        Connections c = embedded.startFor(w.settings());
        // stopped by the context after routes and components, so consumers commit before their broker goes away
        w.context().addService(embedded, true, false);
        w.bind("connections", c);

        // component settings read these keys (own names, so an environment variable cannot shadow them)
        PropertiesComponent pc = w.context().getPropertiesComponent();
        pc.addOverrideProperty(Settings.ACTIVE_KAFKA_BROKERS, c.kafkaBrokers());
        pc.addOverrideProperty(Settings.ACTIVE_MONGODB_URI, c.mongoUri());
        // every Kafka client, Camel's and Caravan's own, takes the same settings (security among them)
        KafkaClientConfig kafka = w.bind("kafkaClientConfig", KafkaClientConfig.load(pc, c.kafkaBrokers(),
                System.getenv()));
        // refused credentials or certificates stop the start with one line, instead of a reconnect loop
        KafkaProbe.check(kafka, w.get(HttpSettings.HEALTH_TIMEOUT));

        MongoClient mongo = w.bind("mongoClient", MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(c.mongoUri()))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(
                        w.get(ConnectionSettings.MONGODB_SERVER_SELECTION_TIMEOUT).toMillis(),
                        TimeUnit.MILLISECONDS))
                .applicationName("caravan")
                .build()));
        S3Client s3 = w.bind("s3Client", s3Client(c, w.get(ConnectionSettings.S3_FORCE_PATH_STYLE)));
        LakeBucket bucket = w.bind("lakeBucket", new LakeBucket(s3, c.s3Bucket()));
        try {
            if (bucket.ensureExists()) {
                LOG.info("Created S3 bucket {}", c.s3Bucket());
            }
        } catch (Exception e) {
            // not fatal: readiness stays DOWN, and the bucket is created in the background once S3 answers
            LOG.warn("S3 bucket {} could not be checked yet ({}); readiness stays DOWN until it can", c.s3Bucket(),
                    OneLine.of(e).replaceAll("(.{0,200}).*", "$1"));
            bucket.ensureLater(LOG);
        }
        // the clients close after everything that uses them, before the embedded servers they talk to
        w.closeOnStop(mongo, s3);
    }

    /** The S3 client Caravan uses; tests build theirs the same way. */
    public static S3Client s3Client(Connections c, boolean forcePathStyle) {
        AwsCredentialsProvider credentials = c.s3AccessKey() == null || c.s3AccessKey().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(c.s3AccessKey(), c.s3SecretKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(c.s3Region()))
                .credentialsProvider(credentials)
                .forcePathStyle(forcePathStyle)
                // one HTTP client named explicitly: the SDK refuses to guess when several are on the classpath
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)));
        if (c.s3Endpoint() != null && !c.s3Endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(c.s3Endpoint()));
        }
        return builder.build();
    }
}
