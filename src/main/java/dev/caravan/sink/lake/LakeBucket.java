package dev.caravan.sink.lake;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The lake's bucket, created on first use when missing. */
public final class LakeBucket {

    private final S3Client s3;
    private final String name;
    private volatile boolean known;

    public LakeBucket(S3Client s3, String name) {
        this.s3 = s3;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Returns true when the bucket had to be created. */
    public boolean ensureExists() {
        return !exists() && create();
    }

    /** Whether the bucket is there: a read, nothing created. */
    public boolean exists() {
        try {
            s3.headBucket(b -> b.bucket(name));
            known = true;
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
            while (!known && !Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(5_000);
                    if (ensureExists()) {
                        log.info("Created S3 bucket {}", name);
                    }
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

    private boolean create() {
        s3.createBucket(b -> b.bucket(name));
        known = true;
        return true;
    }
}
