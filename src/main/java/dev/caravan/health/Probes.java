package dev.caravan.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.kafka.KafkaProbe;
import dev.caravan.kafka.LazyAdmin;
import dev.caravan.sink.SinkProgress;
import dev.caravan.sink.lake.LakeBucket;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.bson.Document;

/** What each readiness check asks; a probe changes nothing (a missing bucket is created by LakeBucket, not here). */
public final class Probes {

    private Probes() {
    }

    /** The Kafka cluster answers a describe-cluster request. */
    public static ReadinessCheck kafka(KafkaClientConfig kafka, LazyAdmin admin) {
        int timeoutMs = (int) admin.timeout().toMillis();
        return new ReadinessCheck("kafka", builder -> {
            builder.detail("bootstrap.servers", kafka.brokers());
            builder.detail("security.protocol", kafka.securityProtocol());
            try {
                int nodes = admin.get().describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                        .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
                builder.detail("nodes", nodes).up();
            } catch (Exception e) {
                builder.message(KafkaProbe.describe(kafka, e)).down();
            }
        });
    }

    /** MongoDB answers a ping on the configured database. */
    public static ReadinessCheck mongo(MongoClient client, String database) {
        return new ReadinessCheck("mongodb", builder -> {
            builder.detail("database", database);
            try {
                client.getDatabase(database).runCommand(new Document("ping", 1));
                builder.up();
            } catch (Exception e) {
                builder.message("MongoDB is not reachable: " + e.getClass().getSimpleName()).down();
            }
        });
    }

    /** The lake bucket answers. */
    public static ReadinessCheck s3(LakeBucket bucket) {
        return new ReadinessCheck("s3", builder -> {
            builder.detail("bucket", bucket.name());
            try {
                if (!bucket.exists()) {
                    builder.message("S3 bucket " + bucket.name() + " does not exist yet (Caravan creates it once S3 "
                            + "answers)").down();
                    return;
                }
                builder.up();
            } catch (Exception e) {
                builder.message("S3 bucket " + bucket.name() + " is not reachable: " + e.getClass().getSimpleName())
                        .down();
            }
        });
    }

    /**
     * No sink has had a batch in flight for longer than caravan.sink.stall-limit-ms. Such a sink holds records it
     * cannot write (an outage it is still retrying); the message says which route, for how long and why.
     */
    public static ReadinessCheck sinks(SinkProgress progress) {
        return new ReadinessCheck("sinks", builder -> {
            Map<String, Duration> stalled = progress.stalled();
            builder.detail("stall.limit.ms", progress.stallLimit().toMillis());
            if (stalled.isEmpty()) {
                builder.up();
                return;
            }
            StringBuilder message = new StringBuilder();
            stalled.forEach((route, d) -> {
                Map<String, Object> error = progress.last(route);
                message.append(message.length() == 0 ? "" : "; ").append(route).append(" has retried one batch for ")
                        .append(d.toSeconds()).append(" s (limit ").append(progress.stallLimit().toSeconds())
                        .append(" s)").append(error == null ? "" : ": " + error.get("message"));
            });
            builder.message(message.toString()).down();
        });
    }
}
