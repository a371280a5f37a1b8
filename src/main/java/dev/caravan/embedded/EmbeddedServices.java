package dev.caravan.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.caravan.settings.ConnectionSettings;
import dev.caravan.settings.EmbeddedSettings;
import dev.caravan.settings.Settings;
import dev.caravan.settings.StartupFailure;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an in-process Kafka, MongoDB or S3 server for each address that is not configured, and stops them
 * after Camel has stopped its routes and components (it is registered as a context service).
 */
public final class EmbeddedServices extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

    private final List<AutoCloseable> running = new ArrayList<>();
    private Connections connections;

    /** Decides what to embed from the settings, starts it, and returns the addresses to use. */
    public Connections startFor(Settings settings) throws Exception {
        Optional<String> brokers = settings.find(ConnectionSettings.KAFKA_BROKERS);
        Optional<String> mongoUri = settings.find(ConnectionSettings.MONGODB_URI);
        Optional<String> s3Endpoint = settings.find(ConnectionSettings.S3_ENDPOINT);
        boolean embeddedAllowed = settings.get(EmbeddedSettings.EMBEDDED);
        if (!embeddedAllowed) {
            List<String> missing = new ArrayList<>();
            brokers.ifPresentOrElse(b -> { }, () -> missing.add("KAFKA_BROKERS (caravan.kafka.brokers)"));
            mongoUri.ifPresentOrElse(b -> { }, () -> missing.add("MONGODB_URI (caravan.mongodb.uri)"));
            s3Endpoint.ifPresentOrElse(b -> { }, () -> missing.add("S3_ENDPOINT (caravan.s3.endpoint)"));
            if (!missing.isEmpty()) {
                throw new StartupFailure("caravan.embedded=false but " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not set; set "
                        + (missing.size() == 1 ? "it" : "them") + " to your cluster's address");
            }
        }
        Path dataDir = settings.dataDir();
        String host = settings.get(EmbeddedSettings.EMBEDDED_HOST);
        try {
            String kafka = brokers.orElse(null);
            if (kafka == null) {
                int port = Ports.claim(host, settings.get(EmbeddedSettings.EMBEDDED_KAFKA_PORT),
                        EmbeddedSettings.EMBEDDED_KAFKA_PORT.key());
                EmbeddedKafka server = new EmbeddedKafka(dataDir.resolve("kafka"), host, port,
                        settings.get(EmbeddedSettings.EMBEDDED_KAFKA_PARTITIONS));
                running.add(server);
                server.start();
                kafka = server.bootstrapServers();
                LOG.info("Embedded Kafka broker (KRaft) listening on {}", kafka);
            }
            String mongo = mongoUri.orElse(null);
            if (mongo == null) {
                int port = Ports.claim(host, settings.get(EmbeddedSettings.EMBEDDED_MONGO_PORT),
                        EmbeddedSettings.EMBEDDED_MONGO_PORT.key());
                EmbeddedMongo server = new EmbeddedMongo(dataDir.resolve("mongo").resolve("caravan.mv"), host, port);
                running.add(server);
                server.start();
                mongo = server.connectionString();
                LOG.info("Embedded MongoDB (wire protocol, H2 file) listening on {}", mongo);
            }
            String s3 = s3Endpoint.orElse(null);
            String accessKey = settings.get(ConnectionSettings.S3_ACCESS_KEY);
            String secretKey = settings.get(ConnectionSettings.S3_SECRET_KEY);
            if (s3 == null) {
                int port = Ports.claim(host, settings.get(EmbeddedSettings.EMBEDDED_S3_PORT),
                        EmbeddedSettings.EMBEDDED_S3_PORT.key());
                accessKey = settings.get(EmbeddedSettings.EMBEDDED_S3_ACCESS_KEY);
                secretKey = settings.get(EmbeddedSettings.EMBEDDED_S3_SECRET_KEY);
                EmbeddedS3 server = new EmbeddedS3(dataDir.resolve("s3"), host, port, accessKey, secretKey);
                running.add(server);
                server.start();
                s3 = server.endpoint();
                LOG.info("Embedded S3 API (filesystem) listening on {}", s3);
            }
            connections = new Connections(
                    kafka, brokers.isEmpty(),
                    mongo, settings.get(ConnectionSettings.MONGODB_DATABASE), mongoUri.isEmpty(),
                    s3, settings.get(ConnectionSettings.S3_REGION), settings.get(ConnectionSettings.S3_BUCKET),
                    accessKey, secretKey, s3Endpoint.isEmpty());
            return connections;
        } catch (Exception | Error e) {
            closeAll();
            throw e;
        }
    }

    public Connections connections() {
        return connections;
    }

    @Override
    protected void doStop() {
        if (!running.isEmpty()) {
            closeAll();
            LOG.info("Embedded servers stopped");
        }
    }

    private void closeAll() {
        // stop in reverse order of start
        for (int i = running.size() - 1; i >= 0; i--) {
            AutoCloseable server = running.remove(i);
            try {
                server.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", server.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
