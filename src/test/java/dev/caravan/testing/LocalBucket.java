package dev.caravan.testing;

import java.nio.file.Path;

import dev.caravan.config.ClientsConfiguration;
import dev.caravan.embedded.Connections;
import dev.caravan.embedded.EmbeddedS3;
import software.amazon.awssdk.services.s3.S3Client;

/** A bucket named {@code lake} on an embedded S3 server of its own, reached by the client production builds. */
public record LocalBucket(EmbeddedS3 server, S3Client s3) implements AutoCloseable {

    /** Starts a server keeping its files under dir, on a free port, and creates the bucket. */
    public static LocalBucket start(Path dir) throws Exception {
        EmbeddedS3 server = new EmbeddedS3(dir, "127.0.0.1", 0, "test", "test-secret");
        server.start();
        S3Client s3 = ClientsConfiguration.s3Client(new Connections(null, false, null, null, false, server.endpoint(),
                "us-east-1", "lake", "test", "test-secret", true), true);
        s3.createBucket(b -> b.bucket("lake"));
        return new LocalBucket(server, s3);
    }

    @Override
    public void close() throws Exception {
        s3.close();
        server.close();
    }
}
