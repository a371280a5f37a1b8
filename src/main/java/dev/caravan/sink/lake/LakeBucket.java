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
        try {
            s3.headBucket(b -> b.bucket(name));
            known = true;
            return false;
        } catch (NoSuchBucketException e) {
            return create();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return create();
            }
            throw e;
        }
    }

    public boolean isKnown() {
        return known;
    }

    private boolean create() {
        s3.createBucket(b -> b.bucket(name));
        known = true;
        return true;
    }
}
