package dev.caravan.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** One Kafka admin client created on first use, with one timeout for its requests; closed with its owner. */
public final class LazyAdmin implements AutoCloseable {

    private final Properties config;
    private final Duration timeout;
    private volatile Admin admin;

    public LazyAdmin(KafkaClientConfig kafka, Duration timeout, String clientId) {
        this.config = config(kafka, timeout, clientId);
        this.timeout = timeout;
    }

    public Admin get() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(config);
                }
            }
        }
        return admin;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Per partition of the topic, the broker's answer to each spec in order (earliest and latest give offsets,
     * maxTimestamp the newest record's timestamp; an answer is null where the partition has none).
     */
    public Map<TopicPartition, ListOffsetsResultInfo[]> offsets(String topic, OffsetSpec... specs)
            throws ExecutionException, TimeoutException, InterruptedException {
        TopicDescription d = get().describeTopics(List.of(topic)).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        Map<TopicPartition, ListOffsetsResultInfo[]> out = new HashMap<>();
        d.partitions().forEach(p -> out.put(new TopicPartition(topic, p.partition()),
                new ListOffsetsResultInfo[specs.length]));
        for (int i = 0; i < specs.length; i++) {
            OffsetSpec spec = specs[i];
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            out.keySet().forEach(tp -> ask.put(tp, spec));
            int at = i;
            get().listOffsets(ask).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> out.get(tp)[at] = info);
        }
        return out;
    }

    /** Settings of every admin client Caravan makes: each of its calls ends within the timeout. */
    public static Properties config(KafkaClientConfig kafka, Duration timeout, String clientId) {
        // the admin client refuses a request timeout above its default API timeout: set both
        return kafka.admin(java.util.Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.CLIENT_ID_CONFIG, clientId));
    }

    @Override
    public void close() {
        // not forgotten: a late caller gets the closed client, whose calls fail, not a new one nobody closes
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
