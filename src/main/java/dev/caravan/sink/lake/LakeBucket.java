package dev.caravan.sink.lake;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The lake's bucket, created on first use when missing. */
public record LakeBucket(S3Client s3, String name) {

    /** Returns true when the bucket had to be created. */
    public boolean ensureExists() {
        if (exists()) {
            return false;
        }
        s3.createBucket(b -> b.bucket(name));
        return true;
    }

    /** Whether the bucket is there: a read, nothing created. */
    public boolean exists() {
        try {
            s3.headBucket(b -> b.bucket(name));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Until the bucket exists, tries to create it every few seconds in the background (S3 came up after Caravan). */
    public void ensureLater(org.slf4j.Logger log) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(5_000);
                    if (ensureExists()) {
                        log.info("Created S3 bucket {}", name);
                    }
                    return;
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException stillDown) {
                    // S3 still away: next round
                }
            }
        }, "caravan-bucket");
        t.setDaemon(true);
        t.start();
    }
}
