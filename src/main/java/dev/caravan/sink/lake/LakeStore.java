package dev.caravan.sink.lake;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 calls of the lake writer; any failure to reach S3 becomes a LakeUnavailableException (retried). Not final:
 * a test interposes on a listing to run a writer at the exact moment a race needs.
 */
public class LakeStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;

    public LakeStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    void put(String key, byte[] bytes, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw new LakeUnavailableException("S3 did not take " + key + ": " + e.getMessage(), e);
        }
    }

    void putJson(String key, Object value) {
        try {
            put(key, JSON.writeValueAsBytes(value), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON object at key, or null when there is none. */
    Map<String, Object> getJson(String key) {
        byte[] bytes = getOrNull(key);
        if (bytes == null) {
            return null;
        }
        try {
            return JSON.readValue(bytes, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException(key + " is not JSON", e);
        }
    }

    void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new LakeUnavailableException("S3 did not delete " + key + ": " + e.getMessage(), e);
        }
    }

    /** Every object key under the prefix. */
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(S3Object::key).forEach(keys::add);
        } catch (SdkException e) {
            throw new LakeUnavailableException("S3 did not list " + prefix + ": " + e.getMessage(), e);
        }
        return keys;
    }

    /** The object's bytes, or null when there is none. */
    byte[] getOrNull(String key) {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw new LakeUnavailableException("S3 did not answer for " + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new LakeUnavailableException("S3 did not answer for " + key + ": " + e.getMessage(), e);
        }
    }

    public byte[] get(String key) {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (SdkException e) {
            throw new LakeUnavailableException("S3 did not answer for " + key + ": " + e.getMessage(), e);
        }
    }
}
