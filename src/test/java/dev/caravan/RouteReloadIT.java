package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.caravan.config.RouteFileReloader;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Given a running app on a routes folder, editing, adding and breaking route files takes effect without a restart. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteReloadIT {

    @TempDir
    static Path data;
    @TempDir
    static Path routes;
    static Path hello;
    static RunningCaravan app;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(routes.resolve("demo"));
        hello = routes.resolve("demo/hello.camel.yaml");
        Files.writeString(hello, helloRoute("v1"));
        app = RunningCaravan.start(data, Map.of("caravan.routes-dir", routes.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    @Order(1)
    void routesComeFromTheFolderIncludingSubFolders() throws Exception {
        assertThat(app.get("/hello").body()).isEqualTo("v1");
    }

    @Test
    @Order(2)
    void anEditedFileIsReloadedAndServesTheNewBehaviour() throws Exception {
        Files.writeString(hello, helloRoute("v2"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.get("/hello").body()).isEqualTo("v2"));
    }

    @Test
    @Order(3)
    void aNewFileStartsItsRoute() throws Exception {
        Files.writeString(routes.resolve("bye.camel.yaml"), """
                - route:
                    id: bye
                    from:
                      uri: platform-http:/bye
                      steps:
                        - setBody:
                            constant: "see you"
                """);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.get("/bye").body()).isEqualTo("see you"));
    }

    @Test
    @Order(4)
    void aBrokenFileIsReportedAndThePreviousVersionKeepsServing() throws Exception {
        RouteFileReloader reloader = app.context().hasService(RouteFileReloader.class);
        long rejectedBefore = reloader.rejectedCount();

        Files.writeString(hello, "- route:\n    id: hello\n    from:\n      uri: platform-http:/hello\n      steps:\n        - setBody: [oops\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> reloader.rejectedCount() > rejectedBefore);
        assertThat(reloader.lastProblem()).startsWith(routes.getFileName() + "/demo/hello.camel.yaml: ")
                .contains("line 6").doesNotContain("\n");
        assertThat(app.get("/hello").body()).isEqualTo("v2");
    }

    @Test
    @Order(5)
    void aFileThatParsesButCannotStartLeavesThePreviousVersionRunning() throws Exception {
        RouteFileReloader reloader = app.context().hasService(RouteFileReloader.class);
        long rejectedBefore = reloader.rejectedCount();

        // valid YAML and a valid route model, but its endpoint cannot be created: fails after the old route was removed
        Files.writeString(hello, helloRoute("v3").replace("platform-http:/hello", "no-such-component:hello"));

        await().atMost(Duration.ofSeconds(30)).until(() -> reloader.rejectedCount() > rejectedBefore);
        assertThat(app.get("/hello").body()).isEqualTo("v2");

        // and a fixed file is picked up again
        Files.writeString(hello, helloRoute("v4"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.get("/hello").body()).isEqualTo("v4"));
    }

    private static String helloRoute(String answer) {
        return """
                - route:
                    id: hello
                    from:
                      uri: platform-http:/hello
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }
}
