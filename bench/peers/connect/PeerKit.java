import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the programs in this folder share. Each program runs as a single source file, which cannot see another one, so
 * the scripts compile this kit first and put it on the class path:
 * {@code javac -d DIR -cp caravan.jar PeerKit.java}, then {@code java -cp caravan.jar:DIR NAME.java ...}.
 * Public, as the source launcher loads the program in a class loader of its own.
 */
public final class PeerKit {

    private PeerKit() {
    }

    /** A producer of String keys and byte[] values, acks=all, with settings (ProducerConfig names) on top. */
    public static KafkaProducer<String, byte[]> producer(String brokers, Map<String, Object> settings) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(settings);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A server's main after it has started: prints "listening on ADDRESS" (the scripts wait for that line), then
     * returns once the JVM is stopping (SIGTERM from the script) and stop has run.
     */
    public static void serveUntilStopped(Object address, Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }));
        System.out.println("listening on " + address);
        System.out.flush();
        stopped.await();
    }
}
