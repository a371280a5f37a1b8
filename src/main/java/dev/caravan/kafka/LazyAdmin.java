package dev.caravan.kafka;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** One Kafka admin client created on first use, with one timeout for its requests; closed with its owner. */
public final class LazyAdmin implements AutoCloseable {

    private final String brokers;
    private final Duration timeout;
    private volatile Admin admin;

    public LazyAdmin(String brokers, Duration timeout) {
        this.brokers = brokers;
        this.timeout = timeout;
    }

    public Admin get() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(config(brokers, timeout, "caravan-admin"));
                }
            }
        }
        return admin;
    }

    /** Settings of every admin client Caravan makes: each of its calls ends within the timeout. */
    public static Properties config(String brokers, Duration timeout, String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        // the admin client refuses a request timeout above its default API timeout: set both
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
