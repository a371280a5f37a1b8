package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import dev.caravan.embedded.Ports;
import dev.caravan.testing.CaravanProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: java -jar from a directory with no routes/ and no properties file. */
class JarIT {

    @TempDir
    Path workDir;

    private CaravanProcess app;

    @AfterEach
    void kill() throws InterruptedException {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void startsWithPackagedRoutesServesRecordsAndShutsDownGracefullyOnSigterm() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        // a properties file in the working directory overrides the jar's defaults key by key
        Files.writeString(workDir.resolve("application.properties"), "caravan.s3.bucket = from-working-dir\n");
        app = CaravanProcess.start(workDir, Map.of("CARAVAN_HTTP_PORT", String.valueOf(port),
                "CARAVAN_EMBEDDED_KAFKA_PORT", "0", "CARAVAN_EMBEDDED_MONGO_PORT", "0", "CARAVAN_EMBEDDED_S3_PORT", "0"),
                "-Dcaravan.data-dir=" + workDir.resolve("state")).awaitReady();

        assertThat(app.stdout()).contains("HTTP     http://127.0.0.1:" + port + "/", "(embedded)", "packaged in the jar",
                workDir.resolve("state").toString(), "bucket from-working-dir region us-east-1");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = await().atMost(Duration.ofSeconds(60)).until(
                () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
        assertThat(ready.body()).contains("\"kafka\"", "\"mongodb\"", "\"s3\"");
        assertThat(post(http, port, "{\"a\":1}").statusCode()).isEqualTo(202);

        app.terminate();
        assertThat(app.waitFor(Duration.ofSeconds(90))).as("exited after SIGTERM").isTrue();
        app.awaitOutputClosed();
        assertThat(app.stdout()).contains("SIGTERM", "Routes stopped", "Embedded servers stopped");
        assertThat(Files.exists(workDir.resolve("state/kafka/meta.properties"))).isTrue();
        assertThat(Files.exists(workDir.resolve("state/mongo/caravan.mv"))).isTrue();
    }

    @Test
    void aKilledProcessKeepsEveryDocumentItStoredAndTheRestartFindsThem() throws Exception {
        int port = Ports.freePort("127.0.0.1");
        Map<String, String> env = Map.of("CARAVAN_HTTP_PORT", String.valueOf(port), "CARAVAN_EMBEDDED_KAFKA_PORT", "0",
                "CARAVAN_EMBEDDED_MONGO_PORT", "0", "CARAVAN_EMBEDDED_S3_PORT", "0");
        app = CaravanProcess.start(workDir, env).awaitReady();
        String receipt = post(HttpClient.newHttpClient(), port, "{\"crash\":1}").body();
        String id = receipt.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        try (MongoClient mongo = MongoClients.create(app.banner("MongoDB"))) {
            await("stored").atMost(Duration.ofSeconds(60)).until(
                    () -> mongo.getDatabase("caravan").getCollection("inbox").find(Filters.eq("_id", id)).first() != null);
        }

        app.kill();
        app = CaravanProcess.start(workDir, env).awaitReady();

        try (MongoClient mongo = MongoClients.create(app.banner("MongoDB"))) {
            assertThat(mongo.getDatabase("caravan").getCollection("inbox").find(Filters.eq("_id", id)).first())
                    .as("document written before the kill").isNotNull();
        }
    }

    @Test
    void aPortInUseIsOneClearErrorLineAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            app = CaravanProcess.start(workDir, Map.of("CARAVAN_HTTP_PORT", String.valueOf(taken.getLocalPort())));

            assertThat(app.waitFor(Duration.ofSeconds(90))).isTrue();
            assertThat(app.process().exitValue()).isEqualTo(2);
            app.awaitOutputClosed();
            assertThat(app.stderrLines()).containsExactly("caravan: port " + taken.getLocalPort() + " on 127.0.0.1 is"
                    + " already in use (caravan.http.port); stop what holds it, or set CARAVAN_HTTP_PORT to another"
                    + " port, or 0 for any free port");
            assertThat(app.stdout()).doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void embeddedFalseWithoutAddressesRefusesToStartAndNamesWhatIsMissing() throws Exception {
        app = CaravanProcess.start(workDir, Map.of("CARAVAN_EMBEDDED", "false", "CARAVAN_HTTP_PORT", "0",
                "MONGODB_URI", "mongodb://127.0.0.1:1"));

        assertThat(app.waitFor(Duration.ofSeconds(90))).isTrue();
        assertThat(app.process().exitValue()).isEqualTo(2);
        app.awaitOutputClosed();
        assertThat(app.stderrLines()).hasSize(1);
        assertThat(app.stderrLines().get(0)).contains("caravan.embedded=false", "KAFKA_BROKERS", "S3_ENDPOINT")
                .doesNotContain("MONGODB_URI");
        assertThat(Files.exists(workDir.resolve("data"))).as("no embedded server touched the disk").isFalse();
    }

    @Test
    void aWarmUpRunRecordsAClassArchiveThatTheNextStartLoadsItsClassesFrom() throws Exception {
        Map<String, String> env = Map.of("CARAVAN_HTTP_PORT", "0", "CARAVAN_EMBEDDED_KAFKA_PORT", "0",
                "CARAVAN_EMBEDDED_MONGO_PORT", "0", "CARAVAN_EMBEDDED_S3_PORT", "0");
        Path archive = workDir.resolve("caravan.jsa");
        // README's warm-up: a start that stops itself a second after it is ready, the JVM writing what it loaded
        java.util.Map<String, String> warmUp = new java.util.HashMap<>(env);
        warmUp.put("CAMEL_MAIN_DURATIONMAXSECONDS", "1");
        app = CaravanProcess.start(workDir, warmUp, "-XX:ArchiveClassesAtExit=" + archive);
        assertThat(app.waitFor(Duration.ofSeconds(120))).as("the warm-up run stops by itself").isTrue();
        assertThat(app.process().exitValue()).isZero();
        assertThat(archive).isNotEmptyFile();

        // -Xshare:on: a start that cannot map the archive fails instead of quietly loading from the jar
        Path classLog = workDir.resolve("classes.log");
        app = CaravanProcess.start(workDir, env, "-Xshare:on", "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info:file=" + classLog).awaitReady();
        app.terminate();
        assertThat(app.waitFor(Duration.ofSeconds(90))).isTrue();
        assertThat(Files.readAllLines(classLog))
                .anyMatch(l -> l.contains(" dev.caravan.config.CaravanConfiguration source: shared objects file"))
                .anyMatch(l -> l.contains(" kafka.server.KafkaRaftServer source: shared objects file"));
    }

    @Test
    void theLauncherRecordsTheArchiveOnceAndStartsFromIt() throws Exception {
        Path archive = workDir.resolve("caravan.jsa");
        Path classLog = workDir.resolve("classes.log");
        Map<String, String> env = Map.of("CARAVAN_HTTP_PORT", "0", "CARAVAN_EMBEDDED_KAFKA_PORT", "0",
                "CARAVAN_EMBEDDED_MONGO_PORT", "0", "CARAVAN_EMBEDDED_S3_PORT", "0",
                "CARAVAN_CDS_ARCHIVE", archive.toString(),
                // -Xshare:on: a start that cannot map the archive fails instead of quietly loading from the jar
                "JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classLog);

        app = CaravanProcess.startWithLauncher(workDir, env).awaitReady();
        app.terminate();
        assertThat(app.waitFor(Duration.ofSeconds(90))).isTrue();
        assertThat(app.stderr()).contains("recording the class archive");
        assertThat(archive).isNotEmptyFile();
        assertThat(Files.readAllLines(classLog))
                .anyMatch(l -> l.contains(" dev.caravan.config.CaravanConfiguration source: shared objects file"));

        // the next start maps the same archive without a warm-up
        long recorded = Files.getLastModifiedTime(archive).toMillis();
        app = CaravanProcess.startWithLauncher(workDir, env).awaitReady();
        app.terminate();
        assertThat(app.waitFor(Duration.ofSeconds(90))).isTrue();
        assertThat(app.stderr()).doesNotContain("recording the class archive");
        assertThat(Files.getLastModifiedTime(archive).toMillis()).isEqualTo(recorded);
    }

    private static HttpResponse<String> post(HttpClient http, int port, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/inbox"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
