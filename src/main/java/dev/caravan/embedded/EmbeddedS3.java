package dev.caravan.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/** An S3-compatible HTTP API (s3proxy) over a directory: each bucket is a folder, each object a file. */
public final class EmbeddedS3 implements AutoCloseable {

    private final Path baseDir;
    /** Where it listens; port 0 takes a free one. */
    private final URI address;
    private final String accessKey;
    private final String secretKey;
    private S3Proxy proxy;

    public EmbeddedS3(Path baseDir, String host, int port, String accessKey, String secretKey) {
        this.baseDir = baseDir;
        this.address = URI.create("http://" + host + ":" + port);
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public void start() throws Exception {
        Files.createDirectories(baseDir);
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(baseDir.toAbsolutePath().toString()))
                .endpoint(address)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        // start() returns once Jetty is starting; the bound port is known only when it is running
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("embedded S3 did not start within 30 s (state " + proxy.getState() + ")");
            }
            Thread.onSpinWait();
            Thread.sleep(10);
        }
    }

    public String endpoint() {
        return "http://" + address.getHost() + ":" + proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }
}
