package dev.caravan.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.caravan.Caravan;
import dev.caravan.config.ClientsConfiguration;
import dev.caravan.embedded.Connections;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Runs Caravan the way {@code java -jar} does (same main setup, same application.properties, Main.run()) in a
 * background thread, on ephemeral ports and a private data directory, and gives tests the clients a user would use.
 */
public final class RunningCaravan implements AutoCloseable {

    private final Main main;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MongoClient mongo;
    private S3Client s3;
    private boolean stoppedCleanly;

    private RunningCaravan(Map<String, String> properties) {
        this.main = Caravan.create(properties);
        this.thread = new Thread(() -> {
            try {
                Caravan.run(main);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "caravan-under-test");
    }

    /** Starts with every port ephemeral and data in {@code dataDir}; {@code extra} overrides anything. */
    public static RunningCaravan start(Path dataDir, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("caravan.data-dir", dataDir.toString());
        props.put("caravan.http.port", "0");
        props.put("caravan.embedded.kafka.port", "0");
        props.put("caravan.embedded.mongo.port", "0");
        props.put("caravan.embedded.s3.port", "0");
        // no test polls the internet: scheduled polls are off unless a test turns them on
        props.put("caravan.poll.enabled", "false");
        // routes of the project unless the test brings its own
        props.put("caravan.routes-dir", Path.of("routes").toAbsolutePath().toString());
        props.putAll(extra);
        RunningCaravan app = new RunningCaravan(props);
        app.thread.start();
        await("Caravan started").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (app.failure.get() != null) {
                throw new AssertionError("Caravan failed to start", app.failure.get());
            }
            CamelContext ctx = app.main.getCamelContext();
            return ctx != null && ctx.isStarted() && app.connections() != null;
        });
        return app;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Connections connections() {
        CamelContext ctx = main.getCamelContext();
        return ctx == null ? null : ctx.getRegistry().lookupByNameAndType("connections", Connections.class);
    }

    public String property(String key) {
        return context().getPropertiesComponent().resolveProperty(key).orElseThrow();
    }

    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + property("caravan.active.http-port") + path);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(http(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(http(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A MongoDB driver client of our own, as a user's mongosh would be. */
    public MongoDatabase mongo() {
        if (mongo == null) {
            mongo = MongoClients.create(connections().mongoUri());
        }
        return mongo.getDatabase(connections().mongoDatabase());
    }

    /** An S3 client of our own, as a user's aws cli would be. */
    public S3Client s3() {
        if (s3 == null) {
            s3 = ClientsConfiguration.s3Client(connections(), true);
        }
        return s3;
    }

    /**
     * True when the lake reconcile of the topic finds no gap or overlap and no record left to land (offsets holding
     * only a transaction's commit marker do not count).
     */
    public boolean lakeLanded(String topic) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/lake/reconcile?topic=" + topic);
        if (r.statusCode() != 200) {
            return false;
        }
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        if (!report.path("ok").asBoolean()) {
            return false;
        }
        for (com.fasterxml.jackson.databind.JsonNode p : report.get("partitions")) {
            if (p.get("notYetLanded").asLong() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Every object key under the prefix. */
    public java.util.List<String> objectKeys(String prefix) {
        return LakeFiles.keys(s3(), connections().s3Bucket(), prefix);
    }

    public String object(String key) {
        ResponseBytes<GetObjectResponse> bytes = s3().getObjectAsBytes(b -> b.bucket(connections().s3Bucket()).key(key));
        return bytes.asUtf8String();
    }

    /** Stops like SIGTERM does: Main.run() leaves its wait, stops Camel, which stops the embedded servers. */
    @Override
    public void close() throws Exception {
        if (mongo != null) {
            mongo.close();
        }
        if (s3 != null) {
            s3.close();
        }
        CamelContext context = main.getCamelContext();
        main.completed();
        thread.join(Duration.ofSeconds(90).toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("Caravan did not stop within 90 s");
        }
        stoppedCleanly = context == null || !context.getShutdownStrategy().hasTimeoutOccurred();
    }

    /** After close: true unless Camel's graceful shutdown timed out and forced routes down mid-exchange. */
    public boolean stoppedCleanly() {
        return stoppedCleanly;
    }
}
