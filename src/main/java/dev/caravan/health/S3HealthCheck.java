package dev.caravan.health;

import java.util.Map;

import dev.caravan.sink.lake.LakeBucket;
import org.apache.camel.health.HealthCheckResultBuilder;

/** Readiness: the lake bucket exists (it is created here when missing, so an S3 that came up late still gets it). */
public final class S3HealthCheck extends ReadinessCheck {

    private final LakeBucket bucket;

    public S3HealthCheck(LakeBucket bucket) {
        super("s3");
        this.bucket = bucket;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bucket", bucket.name());
        try {
            bucket.ensureExists();
            builder.up();
        } catch (Exception e) {
            builder.message("S3 bucket " + bucket.name() + " is not reachable: " + e.getClass().getSimpleName()).down();
        }
    }
}
