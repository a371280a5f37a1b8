package dev.caravan.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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

    /** Returns true when every topic exists afterwards; failures are logged, not thrown. */
    public static boolean ensure(KafkaClientConfig kafka, Collection<String> names, Duration timeout) {
        boolean all = true;
        try (Admin admin = Admin.create(LazyAdmin.config(kafka, timeout, "caravan-topics"))) {
            List<NewTopic> topics = names.stream().map(n -> new NewTopic(n, Optional.empty(), Optional.empty())).toList();
            var results = admin.createTopics(topics).values();
            for (var e : results.entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        all = false;
                        LOG.warn("Could not create topic {}: {}", e.getKey(), ex.getCause().toString());
                    }
                } catch (TimeoutException ex) {
                    all = false;
                    LOG.warn("Could not create topic {} within {} ms", e.getKey(), timeout.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            LOG.warn("Could not check topics {}: {}", names, e.toString());
            return false;
        }
        return all;
    }
}
