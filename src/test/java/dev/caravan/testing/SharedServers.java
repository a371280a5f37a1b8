package dev.caravan.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.caravan.embedded.EmbeddedKafka;
import dev.caravan.embedded.EmbeddedMongo;
import dev.caravan.embedded.EmbeddedS3;
import dev.caravan.embedded.Ports;

/**
 * One Kafka broker, MongoDB-wire server and S3 API run by the test itself, so that several Caravan instances can
 * come and go on them (as replicas do on a team's own infrastructure). The MongoDB server can be stopped and started
 * again on the same file.
 */
public final class SharedServers implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final Path mongoFile;
    private final int mongoPort;
    private EmbeddedMongo mongo;

    public SharedServers(Path dir, int partitions) throws Exception {
        kafka = new EmbeddedKafka(dir.resolve("kafka"), "127.0.0.1", Ports.freePort("127.0.0.1"), partitions);
        kafka.start();
        s3 = new EmbeddedS3(dir.resolve("s3"), "127.0.0.1", Ports.freePort("127.0.0.1"), "shared", "shared-secret");
        s3.start();
        mongoFile = dir.resolve("mongo/db.mv");
        mongoPort = Ports.freePort("127.0.0.1");
        startMongo();
    }

    public void startMongo() throws Exception {
        mongo = new EmbeddedMongo(mongoFile, "127.0.0.1", mongoPort);
        mongo.start();
    }

    public void stopMongo() {
        mongo.close();
    }

    public String kafka() {
        return kafka.bootstrapServers();
    }

    public String mongoUri() {
        return "mongodb://127.0.0.1:" + mongoPort;
    }

    /** The settings that point a Caravan instance at these servers, embedding nothing of its own. */
    public Map<String, String> caravanSettings() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("caravan.embedded", "false");
        p.put("caravan.kafka.brokers", kafka.bootstrapServers());
        p.put("caravan.mongodb.uri", mongoUri());
        p.put("caravan.s3.endpoint", s3.endpoint());
        p.put("caravan.s3.access-key", "shared");
        p.put("caravan.s3.secret-key", "shared-secret");
        return p;
    }

    @Override
    public void close() throws Exception {
        mongo.close();
        s3.close();
        kafka.close();
    }
}
