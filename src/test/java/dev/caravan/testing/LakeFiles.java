package dev.caravan.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads the lake the way a user's tools would: list the objects, gunzip, one JSON document per line. */
public final class LakeFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LakeFiles() {
    }

    public static List<String> keys(S3Client s3, String bucket, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    /** Every line of every .ndjson.gz object under the prefix. */
    public static List<JsonNode> lines(S3Client s3, String bucket, String prefix) {
        List<JsonNode> out = new ArrayList<>();
        for (String key : keys(s3, bucket, prefix)) {
            if (key.endsWith(".ndjson.gz")) {
                out.addAll(lines(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()));
            }
        }
        return out;
    }

    public static List<JsonNode> lines(byte[] gzip) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<JsonNode> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record of every .avro object under the prefix, read with the Avro library (schema from the file). */
    public static List<org.apache.avro.generic.GenericRecord> avro(S3Client s3, String bucket, String prefix) {
        List<org.apache.avro.generic.GenericRecord> out = new ArrayList<>();
        for (String key : keys(s3, bucket, prefix)) {
            if (key.endsWith(".avro")) {
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                try (var reader = new org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord>(
                        new ByteArrayInputStream(bytes), new org.apache.avro.generic.GenericDatumReader<>())) {
                    reader.forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** The manifests (not the intents) of a topic. */
    public static List<JsonNode> manifests(S3Client s3, String bucket, String topic) {
        List<JsonNode> out = new ArrayList<>();
        for (String key : keys(s3, bucket, "_manifests/" + topic + "/")) {
            if (!key.endsWith("_pending.json") && !key.contains("/compacted/")) {
                try {
                    out.add(JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }
}
