package dev.caravan.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records (not transaction markers, not aborted records) a partition holds in [from, to). A transactional
 * batch ends in a commit marker that takes an offset and that no consumer ever sees, so a sink that wrote everything
 * has committed one offset short of the log's end; offsets alone would call that a lag, or a loss. Ranges of at most
 * {@code scanLimit} offsets are read (read_committed) and the answers kept, as a range's count never changes; a longer
 * one is answered by its length.
 */
public final class RecordsBetween {

    private static final int KEPT = 4096;

    private final KafkaClientConfig kafka;
    private final Duration timeout;
    private final long scanLimit;
    private final Map<List<Object>, Long> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Long> eldest) {
            return size() > KEPT;
        }
    };

    public RecordsBetween(KafkaClientConfig kafka, Duration timeout, long scanLimit) {
        this.kafka = kafka;
        this.timeout = timeout;
        this.scanLimit = scanLimit;
    }

    public long count(TopicPartition tp, long from, long to) {
        if (to <= from) {
            return 0;
        }
        if (to - from > scanLimit) {
            return to - from;
        }
        List<Object> range = List.of(tp, from, to);
        synchronized (known) {
            Long n = known.get(range);
            if (n != null) {
                return n;
            }
        }
        long found = 0;
        try (var consumer = new KafkaConsumer<byte[], byte[]>(properties())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp) < to && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                    if (r.offset() < to) {
                        found++;
                    }
                }
            }
            if (consumer.position(tp) < to) {
                return Math.max(found, 1); // not read to the end in time (an open transaction): not settled, not kept
            }
        }
        synchronized (known) {
            known.put(range, found);
        }
        return found;
    }

    private Properties properties() {
        return kafka.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }
}
