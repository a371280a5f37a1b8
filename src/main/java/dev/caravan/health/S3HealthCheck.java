package dev.caravan.health;

import java.util.Map;

import dev.caravan.sink.lake.LakeBucket;
import org.apache.camel.health.HealthCheckResultBuilder;

/** Readiness: the lake bucket answers. A probe changes nothing: a missing bucket is created by LakeBucket, not here. */
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
            if (!bucket.exists()) {
                builder.message("S3 bucket " + bucket.name() + " does not exist yet (Caravan creates it once S3 "
                        + "answers)").down();
                return;
            }
            builder.up();
        } catch (Exception e) {
            builder.message("S3 bucket " + bucket.name() + " is not reachable: " + e.getClass().getSimpleName()).down();
        }
    }
}
