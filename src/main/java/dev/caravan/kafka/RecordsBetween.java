package dev.caravan.kafka;

import java.time.Duration;
import java.util.HashMap;
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
        return count(Map.of(tp, new long[] {from, to})).get(tp);
    }

    /** The records of each partition's [from, to), the ranges not known yet read by one consumer. */
    public Map<TopicPartition, Long> count(Map<TopicPartition, long[]> ranges) {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, long[]> toRead = new HashMap<>();
        for (Map.Entry<TopicPartition, long[]> e : ranges.entrySet()) {
            long from = e.getValue()[0];
            long to = e.getValue()[1];
            Long n;
            synchronized (known) {
                n = known.get(List.of(e.getKey(), from, to));
            }
            if (to <= from) {
                out.put(e.getKey(), 0L);
            } else if (to - from > scanLimit) {
                out.put(e.getKey(), to - from);
            } else if (n != null) {
                out.put(e.getKey(), n);
            } else {
                toRead.put(e.getKey(), e.getValue());
            }
        }
        if (toRead.isEmpty()) {
            return out;
        }
        Map<TopicPartition, Long> found = new HashMap<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(properties())) {
            consumer.assign(toRead.keySet());
            toRead.forEach((tp, range) -> {
                consumer.seek(tp, range[0]);
                found.put(tp, 0L);
            });
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!readToTheEnd(consumer, toRead) && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < toRead.get(tp)[1]) {
                        found.merge(tp, 1L, Long::sum);
                    }
                }
            }
            for (Map.Entry<TopicPartition, long[]> e : toRead.entrySet()) {
                TopicPartition tp = e.getKey();
                long n = found.get(tp);
                if (consumer.position(tp) < e.getValue()[1]) {
                    out.put(tp, Math.max(n, 1)); // not read to the end in time (an open transaction): not kept
                    continue;
                }
                synchronized (known) {
                    known.put(List.of(tp, e.getValue()[0], e.getValue()[1]), n);
                }
                out.put(tp, n);
            }
        }
        return out;
    }

    private static boolean readToTheEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, long[]> ranges) {
        for (Map.Entry<TopicPartition, long[]> e : ranges.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()[1]) {
                return false;
            }
        }
        return true;
    }

    private Properties properties() {
        return kafka.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }
}
