package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import dev.caravan.embedded.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: java -jar from a directory with no routes/ and no properties file. */
class JarIT {

    private static final Path JAR = Path.of("target/caravan.jar").toAbsolutePath();

    @TempDir
    Path workDir;

    private Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsWithPackagedRoutesServesRecordsAndShutsDownGracefullyOnSigterm() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        // a properties file in the working directory overrides the jar's defaults key by key
        Files.writeString(workDir.resolve("application.properties"), "caravan.s3.bucket = from-working-dir\n");
        start(Map.of("CARAVAN_HTTP_PORT", String.valueOf(port), "CARAVAN_EMBEDDED_KAFKA_PORT", "0",
                "CARAVAN_EMBEDDED_MONGO_PORT", "0", "CARAVAN_EMBEDDED_S3_PORT", "0"),
                "-Dcaravan.data-dir=" + workDir.resolve("state"));

        await("banner").atMost(Duration.ofSeconds(120)).until(() -> joined(stdout).contains("Caravan is ready"));
        String banner = joined(stdout);
        assertThat(banner).contains("HTTP     http://localhost:" + port + "/", "(embedded)", "packaged in the jar",
                workDir.resolve("state").toString(), "bucket from-working-dir region us-east-1");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = await().atMost(Duration.ofSeconds(60)).until(
                () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
        assertThat(ready.body()).contains("\"kafka\"", "\"mongodb\"", "\"s3\"");
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/inbox"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(202);

        // SIGTERM; Process.destroy() would also close our end of its stdout and we would miss the shutdown log
        process.toHandle().destroy();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        awaitStreamsClosed();
        assertThat(joined(stdout)).contains("SIGTERM", "Routes stopped", "Embedded servers stopped");
        assertThat(Files.exists(workDir.resolve("state/kafka/meta.properties"))).isTrue();
        assertThat(Files.exists(workDir.resolve("state/mongo/caravan.mv"))).isTrue();
    }

    @Test
    void aKilledProcessKeepsEveryDocumentItStoredAndTheRestartFindsThem() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        Map<String, String> env = Map.of("CARAVAN_HTTP_PORT", String.valueOf(port), "CARAVAN_EMBEDDED_KAFKA_PORT", "0",
                "CARAVAN_EMBEDDED_MONGO_PORT", "0", "CARAVAN_EMBEDDED_S3_PORT", "0");
        start(env);
        await("banner").atMost(Duration.ofSeconds(120)).until(() -> joined(stdout).contains("Caravan is ready"));
        HttpClient http = HttpClient.newHttpClient();
        String receipt = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/inbox"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"crash\":1}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String id = receipt.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        try (MongoClient mongo = MongoClients.create(mongoUri())) {
            await("stored").atMost(Duration.ofSeconds(60)).until(
                    () -> mongo.getDatabase("caravan").getCollection("inbox").find(Filters.eq("_id", id)).first() != null);
        }

        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
        stdout.clear();
        start(env);
        await("banner after restart").atMost(Duration.ofSeconds(120)).until(() -> joined(stdout).contains("Caravan is ready"));

        try (MongoClient mongo = MongoClients.create(mongoUri())) {
            assertThat(mongo.getDatabase("caravan").getCollection("inbox").find(Filters.eq("_id", id)).first())
                    .as("document written before the kill").isNotNull();
        }
    }

    @Test
    void aPortInUseIsOneClearErrorLineAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            start(Map.of("CARAVAN_HTTP_PORT", String.valueOf(taken.getLocalPort())));

            assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            awaitStreamsClosed();
            assertThat(stderr).containsExactly("caravan: port " + taken.getLocalPort() + " on 0.0.0.0 is already in use"
                    + " (caravan.http.port); stop what holds it, or set CARAVAN_HTTP_PORT to another port, or 0 for any free port");
            assertThat(joined(stdout)).doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void embeddedFalseWithoutAddressesRefusesToStartAndNamesWhatIsMissing() throws Exception {
        start(Map.of("CARAVAN_EMBEDDED", "false", "CARAVAN_HTTP_PORT", "0", "MONGODB_URI", "mongodb://127.0.0.1:1"));

        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        awaitStreamsClosed();
        assertThat(stderr).hasSize(1);
        assertThat(stderr.get(0)).contains("caravan.embedded=false", "KAFKA_BROKERS", "S3_ENDPOINT")
                .doesNotContain("MONGODB_URI");
        assertThat(Files.exists(workDir.resolve("data"))).as("no embedded server touched the disk").isFalse();
    }

    private void start(Map<String, String> env, String... jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CARAVAN_") || k.matches("KAFKA_BROKERS|MONGODB_.*|S3_.*"));
        pb.environment().putAll(env);
        process = pb.start();
        pump(process.getInputStream(), stdout, "stdout");
        pump(process.getErrorStream(), stderr, "stderr");
    }

    private final List<Thread> pumps = new ArrayList<>();

    private void pump(java.io.InputStream in, List<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                    System.out.println("[jar " + name + "] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "jar-" + name);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    private void awaitStreamsClosed() throws InterruptedException {
        for (Thread t : pumps) {
            t.join(10_000);
        }
    }

    private String mongoUri() {
        return joined(stdout).lines().filter(l -> l.strip().startsWith("MongoDB")).findFirst().orElseThrow()
                .replaceAll(".*(mongodb://\\S+).*", "$1");
    }

    private static String joined(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
