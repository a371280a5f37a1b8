import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.emulate.PinterestGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The posting emulator's posts (the same generator and seed), produced straight to the flows' topics with the keys the
 * ingest API gives them, for bench/metrics-scale.sh at sizes the single-record API would take an hour to send on this
 * machine. Run as {@code java -cp caravan.jar PostsBacklog.java BROKERS N}.
 */
public class PostsBacklog {

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long n = Long.parseLong(args[1]);
        ObjectMapper json = new ObjectMapper();
        PinterestGenerator generator = new PinterestGenerator(42);
        List<String> topics = List.of("caravan.pins", "caravan.geo", "caravan.users");
        List<String> keys = List.of("unique_id", "ind", "ind");
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                PinterestGenerator.Post post = generator.next();
                List<Map<String, Object>> parts = List.of(post.pin(), post.geo(), post.user());
                for (int k = 0; k < 3; k++) {
                    Object key = parts.get(k).get(keys.get(k));
                    producer.send(new ProducerRecord<>(topics.get(k), key == null ? null : key.toString(),
                            json.writeValueAsBytes(parts.get(k))));
                }
            }
            producer.flush();
        }
        System.out.printf("%d posts (%d records) in %.1f s%n", n, 3 * n, (System.nanoTime() - start) / 1e9);
    }
}
