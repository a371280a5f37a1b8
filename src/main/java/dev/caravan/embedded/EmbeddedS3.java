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
    private final String host;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private S3Proxy proxy;

    public EmbeddedS3(Path baseDir, String host, int port, String accessKey, String secretKey) {
        this.baseDir = baseDir;
        this.host = host;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public void start() throws Exception {
        Files.createDirectories(baseDir);
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(baseDir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://" + host + ":" + port))
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
        return "http://" + host + ":" + proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }
}
