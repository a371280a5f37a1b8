package dev.caravan.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A single-node KRaft broker (broker and controller in one) whose log lives under the data directory. */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER = "CONTROLLER";

    private final Path logDir;
    private final String host;
    private final int port;
    private final int partitions;
    private KafkaRaftServer server;
    private final java.util.Map<String, Integer> extraListeners = new java.util.LinkedHashMap<>();
    private final Properties extraSettings = new Properties();

    public EmbeddedKafka(Path logDir, String host, int port, int partitions) {
        this.logDir = logDir;
        this.host = host;
        this.port = port;
        this.partitions = partitions;
    }

    /**
     * One more listener, named for its security protocol (SASL_SSL, SSL), with the broker settings it needs; the
     * PLAINTEXT listener stays for the broker itself (tests run a secured broker this way).
     */
    public EmbeddedKafka withListener(String protocol, int listenerPort, java.util.Map<String, String> settings) {
        extraListeners.put(protocol, listenerPort);
        extraSettings.putAll(settings);
        return this;
    }

    /** The address of an extra listener. */
    public String bootstrapServers(String protocol) {
        return host + ":" + extraListeners.get(protocol);
    }

    public void start() throws Exception {
        Files.createDirectories(logDir);
        // the controller port only matters inside this JVM, so any free one will do on each start
        int controllerPort = Ports.freePort(host);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        StringBuilder listeners = new StringBuilder("PLAINTEXT://" + host + ":" + port);
        StringBuilder advertised = new StringBuilder(listeners);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        extraListeners.forEach((protocol, p) -> {
            listeners.append(',').append(protocol).append("://").append(host).append(':').append(p);
            advertised.append(',').append(protocol).append("://").append(host).append(':').append(p);
            protocols.append(',').append(protocol).append(':').append(protocol);
        });
        props.put("listeners", listeners + "," + CONTROLLER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", advertised.toString());
        props.put("controller.listener.names", CONTROLLER);
        props.put("listener.security.protocol.map", protocols.toString());
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("num.partitions", String.valueOf(partitions));
        props.put("auto.create.topics.enable", "true");
        // one node: every internal topic has one replica, and few partitions keep start-up quick
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // no JMX MBeans for the broker's thousand metrics: registering them was a tenth of a start's CPU, and
        // Caravan reports the broker's state in /observe/health and the console
        props.put("metric.reporters", "");
        props.put("metrics.jmx.exclude", ".*");
        // the broker is unfenced on a heartbeat after it caught up: one every 2 s (the default) made a start wait
        props.put("broker.heartbeat.interval.ms", "200");
        props.putAll(extraSettings);
        KafkaConfig config = new KafkaConfig(props, false);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(1)
                    .setControllerListenerName(CONTROLLER)
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                    .setSupportedFeatures(Features.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .run();
            LOG.info("Formatted embedded Kafka storage in {} (cluster id {})", logDir, clusterId);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
