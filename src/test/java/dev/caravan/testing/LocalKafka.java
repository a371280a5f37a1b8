package dev.caravan.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker of the test class's own, started before its {@code @BeforeAll} methods and removed after the
 * class: {@code @RegisterExtension static final LocalKafka kafka = new LocalKafka(1);}.
 */
public final class LocalKafka implements BeforeAllCallback, AfterAllCallback {

    private final int partitions;
    private Path dir;
    private EmbeddedKafka broker;

    /** @param partitions of each topic the broker creates by itself */
    public LocalKafka(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("caravan-kafka");
        broker = new EmbeddedKafka(dir, "127.0.0.1", Ports.freePort("127.0.0.1"), partitions);
        broker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        broker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** An admin client on the broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    public void createTopic(String name, int topicPartitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, topicPartitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
