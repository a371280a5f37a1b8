package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.config.RouteFileReloader;
import dev.caravan.embedded.Ports;
import dev.caravan.settings.StartupFailure;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RunningCaravan;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a running Caravan on a copy of the shipped routes, a new record type is one file under routes/flows/: once it
 * is saved its records are taken over HTTP, cleaned by its rules, stored in its collection and in both lake zones,
 * with no restart and no Java. Editing a rule changes what the next records become; a file that makes no sense is
 * refused in one line while the flow as it was keeps running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowsIT {

    @TempDir
    static Path data;
    @TempDir
    static Path routes;
    static Path comments;
    static RunningCaravan app;

    @BeforeAll
    static void start() throws IOException {
        copy(Path.of("routes"), routes);
        Files.writeString(routes.resolve("comment.schema.json"), """
                {"type": "object", "required": ["comment_id", "text"],
                 "properties": {"comment_id": {"type": "string"}, "text": {"type": "string"},
                                "likes": {"type": ["string", "integer"]}, "at": {"type": "string"}}}
                """);
        comments = routes.resolve("flows/comments.camel.yaml");
        app = RunningCaravan.start(data, Map.of("caravan.routes-dir", routes.toString(),
                "caravan.lake.flush-records", "1", "caravan.lake.rotate-interval-ms", "500",
                "caravan.lake.check-interval-ms", "100", "caravan.mongo.batch-interval-ms", "100",
                "caravan.lake.batch-interval-ms", "100"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    @Order(1)
    void aNewRecordTypeIsOneFile_ingestedCleanedStoredAndLaked() throws Exception {
        assertThat(app.post("/api/v1/streams/comments", "application/json", comment("c-0", "3")).statusCode())
                .as("no such stream before its file").isEqualTo(404);

        Files.writeString(comments, flow("- integer: [likes]"));

        await().atMost(Duration.ofSeconds(30)).until(() ->
                app.post("/api/v1/streams/comments", "application/json", comment("c-1", "12")).statusCode() == 202);
        Document stored = awaitComment("c-1");
        assertThat(stored.get("likes")).as("the rule made a number of the text").isEqualTo(12L);
        assertThat(stored.get("body")).as("renamed").isEqualTo("nice pin");
        assertThat(stored).doesNotContainKey("text");
        assertThat(stored.get("at")).isInstanceOf(Date.class);
        assertThat(app.post("/api/v1/streams/comments", "application/json", "{\"comment_id\":\"c-x\"}").statusCode())
                .as("its JSON Schema is checked at the door").isEqualTo(422);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> clean = LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "clean/shop.comments/");
            assertThat(clean).anySatisfy(line -> {
                assertThat(line.get("comment_id").asText()).isEqualTo("c-1");
                assertThat(line.get("likes").asLong()).isEqualTo(12L);
                assertThat(line.get("body").asText()).isEqualTo("nice pin");
            });
            assertThat(LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "raw/shop.comments/"))
                    .anySatisfy(line -> assertThat(line.toString()).contains("\"text\":\"nice pin\""));
        });
        assertThat(app.mongo().getCollection("comments").listIndexes().into(new java.util.ArrayList<>()))
                .as("the business key's unique index").anySatisfy(i -> assertThat(i.toJson()).contains("comment_id"));
    }

    @Test
    @Order(2)
    void anEditedRuleCleansTheNextRecords() throws Exception {
        // likes stay text now: the file changes, the running flow follows
        Files.writeString(comments, flow("- text: [likes]"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String id = "c-" + System.nanoTime();
            assertThat(app.post("/api/v1/streams/comments", "application/json", comment(id, "7")).statusCode())
                    .isEqualTo(202);
            assertThat(awaitComment(id).get("likes")).isEqualTo("7");
        });
        assertThat(awaitComment("c-1").get("likes")).as("stored records stay as they were").isEqualTo(12L);
    }

    @Test
    @Order(3)
    void aBrokenFlowIsRefusedInOneLineAndTheFlowAsItWasKeepsRunning() throws Exception {
        RouteFileReloader reloader = app.context().hasService(RouteFileReloader.class);
        long rejected = reloader.rejectedCount();

        Files.writeString(comments, flow("- shout: [likes]"));

        await().atMost(Duration.ofSeconds(30)).until(() -> reloader.rejectedCount() > rejected);
        // file and line of the step, and the problem, in one line
        assertThat(reloader.lastProblem()).endsWith("/flows/comments.camel.yaml:23: flow comments: cleaning step 4 "
                + "(shout): unknown cleaning step 'shout'; the steps are select, rename, drop, null-if, number, "
                + "integer, decimal, count, boolean, text, date, point, concat, after, substring, slug, template, "
                + "coalesce, require, id, source").doesNotContain("\n", routes.toString());
        assertThat(app.post("/api/v1/streams/comments", "application/json", comment("c-2", "5")).statusCode())
                .isEqualTo(202);
        assertThat(awaitComment("c-2").get("likes")).as("the last good rules").isEqualTo("5");
    }

    @Test
    @Order(4)
    void aFlowThatMakesNoSenseStopsTheStartInOneLine(@TempDir Path otherData, @TempDir Path otherRoutes)
            throws IOException {
        copy(Path.of("routes"), otherRoutes);
        Files.writeString(otherRoutes.resolve("flows/comments.camel.yaml"), flow("- integer: [likes]")
                .replace("value: shop.comments", "value: caravan.pins"));

        int kafkaPort = Ports.freePort("127.0.0.1");
        int mongoPort = Ports.freePort("127.0.0.1");
        int s3Port = Ports.freePort("127.0.0.1");

        assertThatThrownBy(() -> RunningCaravan.start(otherData, Map.of("caravan.routes-dir", otherRoutes.toString(),
                "caravan.embedded.kafka.port", String.valueOf(kafkaPort),
                "caravan.embedded.mongo.port", String.valueOf(mongoPort),
                "caravan.embedded.s3.port", String.valueOf(s3Port))))
                .satisfies(e -> assertThat(StartupFailure.find(e)).isNotNull().extracting(Throwable::getMessage)
                        .asString().contains("reads topic caravan.pins, which flow").contains("comments", "pins")
                        .contains("/flows/").doesNotContain("\n"));
        // the embedded servers it had started are stopped: a broker left running on a data directory that is then
        // removed halts the whole JVM when it next touches its files
        assertThat(List.of(kafkaPort, mongoPort, s3Port)).as("nothing listens any more").noneMatch(FlowsIT::listening);
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static Document awaitComment(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> app.mongo().getCollection("comments").find(new Document("comment_id", id)).first(),
                d -> d != null);
    }

    private static String comment(String id, String likes) {
        return "{\"comment_id\":\"" + id + "\",\"text\":\"nice pin\",\"likes\":\"" + likes
                + "\",\"at\":\"2024-05-01 10:00:00\"}";
    }

    /** The comments flow, with one rule that changes between the tests. */
    private static String flow(String likesRule) {
        return """
                # Comments on pins, posted by the app
                - templatedRoute:
                    routeTemplateRef: flow
                    routeId: flow-comments
                    parameters:
                      - name: name
                        value: comments
                      - name: topic
                        value: shop.comments
                      - name: key
                        value: comment_id
                      - name: schema
                        value: "file:%s"
                      - name: collection
                        value: comments
                      - name: businessKey
                        value: comment_id
                      - name: clean
                        value: |
                          - rename: {text: body}
                          - date: [at]
                          - require: [comment_id]
                          %s
                """.formatted(routes.resolve("comment.schema.json"), likesRule);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
