package dev.caravan.kafka;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** One Kafka admin client created on first use, with one timeout for its requests; closed with its owner. */
public final class LazyAdmin implements AutoCloseable {

    private final KafkaClientConfig kafka;
    private final Duration timeout;
    private volatile Admin admin;

    public LazyAdmin(KafkaClientConfig kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    public Admin get() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(config(kafka, timeout, "caravan-admin"));
                }
            }
        }
        return admin;
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
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
