package dev.caravan.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics Caravan writes to when they are missing, with the cluster's default partitions and replication:
 * where topics are not auto-created a send to a missing topic blocks until it times out, and where they are, the first
 * send pays for the creation.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    /**
     * Returns true when every topic exists afterwards and every partition of them takes writes (those just created by
     * someone else too); failures are logged, not thrown.
     */
    public static boolean ensure(KafkaClientConfig kafka, Collection<String> names, Duration timeout) {
        boolean all = true;
        try (Admin admin = Admin.create(LazyAdmin.config(kafka, timeout, "caravan-topics"))) {
            List<NewTopic> topics = names.stream().map(n -> new NewTopic(n, Optional.empty(), Optional.empty())).toList();
            var created = admin.createTopics(topics);
            List<String> present = new ArrayList<>();
            for (var e : created.values().entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created topic {}", e.getKey());
                    present.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof TopicExistsException) {
                        present.add(e.getKey());
                    } else {
                        all = false;
                        LOG.warn("Could not create topic {}: {}", e.getKey(), ex.getCause().toString());
                    }
                } catch (TimeoutException ex) {
                    all = false;
                    LOG.warn("Could not create topic {} within {} ms", e.getKey(), timeout.toMillis());
                }
            }
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            if (!present.isEmpty()) {
                admin.describeTopics(present).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .values().forEach(t -> t.partitions().forEach(p -> partitions.put(
                                new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
            }
            all &= awaitOpen(admin, partitions, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Could not check topics {}: {}", names, e.toString());
            return false;
        }
        return all;
    }

    /**
     * A created partition takes writes once its leader has applied the creation, a moment after the controller
     * answered. An idempotent producer's first request that arrives sooner is refused and retried, a later one can
     * overtake it, and the retry is then refused as out of order until it expires (KAFKA-15591): a first record was
     * answered 503 after 10 s. A leader answers a partition's latest offset only once it is open, so this waits for it
     * (the admin client retries "not leader" within the timeout).
     */
    private static boolean awaitOpen(Admin admin, Map<TopicPartition, OffsetSpec> partitions, Duration timeout)
            throws InterruptedException {
        if (partitions.isEmpty()) {
            return true;
        }
        try {
            admin.listOffsets(partitions).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Topics' partitions did not open within {} ms: {}", timeout.toMillis(),
                    e instanceof ExecutionException ? e.getCause().toString() : "timed out");
            return false;
        }
    }
}
