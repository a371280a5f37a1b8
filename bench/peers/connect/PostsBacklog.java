import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.emulate.PinterestGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The posting emulator's posts (the same generator and seed), produced straight to the flows' topics with the keys the
 * ingest API gives them, for bench/metrics-scale.sh at sizes the single-record API would take an hour to send on this
 * machine. Run as {@code java -cp caravan.jar:DIR PostsBacklog.java BROKERS N}, with PeerKit compiled into DIR.
 */
public class PostsBacklog {

    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[1]);
        ObjectMapper json = new ObjectMapper();
        PinterestGenerator generator = new PinterestGenerator(42);
        List<String> topics = List.of("caravan.pins", "caravan.geo", "caravan.users");
        List<String> keys = List.of("unique_id", "ind", "ind");
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = PeerKit.producer(args[0],
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024))) {
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
