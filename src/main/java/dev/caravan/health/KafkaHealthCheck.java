package dev.caravan.health;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness: the Kafka cluster answers a describe-cluster request. */
public final class KafkaHealthCheck extends ReadinessCheck implements AutoCloseable {

    private final dev.caravan.kafka.KafkaClientConfig kafka;
    private final String brokers;
    private final int timeoutMs;
    private Admin admin;

    public KafkaHealthCheck(dev.caravan.kafka.KafkaClientConfig kafka, int timeoutMs) {
        super("kafka");
        this.kafka = kafka;
        this.brokers = kafka.brokers();
        this.timeoutMs = timeoutMs;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bootstrap.servers", brokers);
        builder.detail("security.protocol", kafka.securityProtocol());
        try {
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            builder.detail("nodes", nodes).up();
        } catch (Exception e) {
            builder.message(dev.caravan.kafka.KafkaProbe.describe(kafka, e)).down();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(dev.caravan.kafka.LazyAdmin.config(kafka,
                    java.time.Duration.ofMillis(timeoutMs), "caravan-health"));
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
