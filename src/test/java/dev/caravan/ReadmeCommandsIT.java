package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.caravan.metrics.DeclaredMetric;
import dev.caravan.testing.DuckDb;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README cannot drift from what works: every command of the README blocks marked {@code <!-- run by ReadmeCommandsIT
 * -->} runs, in README order, against a running Caravan with today's releases of the tools users have (curl,
 * mongosh, kcat, the AWS CLI, DuckDB), with README's addresses swapped for the test's ports, in a directory that holds
 * the repository's metrics. Each must succeed and print what README says it prints.
 */
class ReadmeCommandsIT {

    static final String MARK = "<!-- run by ReadmeCommandsIT -->";

    @TempDir
    static Path data;
    @TempDir
    static Path work;
    static RunningCaravan app;

    @BeforeAll
    static void start() throws IOException {
        app = RunningCaravan.start(data, Map.of("caravan.lake.rotate-interval-ms", "500",
                "caravan.lake.check-interval-ms", "100"));
        copy(Path.of("metrics"), work.resolve("metrics"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void everyMarkedCommandRunsAndPrintsWhatReadmeShows() throws Exception {
        List<String> commands = commands(Files.readString(Path.of("README.md")));
        assertThat(commands).as("marked commands in README").hasSizeGreaterThanOrEqualTo(6);
        Tool bash = Tool.require("bash", "part of every Debian");
        Map<String, String> env = environment();
        List<String> topics = new ArrayList<>(List.of("caravan.geo"));
        for (String command : commands) {
            String tool = command.replaceFirst("^(\\S+=\\S+\\s+)*", "").split("\\s+")[0];
            if (!tool.equals("duckdb")) {
                Tool.require(tool, "see .ci/run");
            }
            if (command.contains(" s3 cp ")) {
                // the copy must find every file set of the records posted above (MongoDB is awaited by the check)
                await().atMost(Duration.ofSeconds(60)).until(() -> landed(topics));
            }
            if (command.contains(" emulate ")) {
                topics.addAll(List.of("caravan.pins", "caravan.users"));
            }
            String local = local(command);
            Predicate<String> expected = expectation(command);
            // the lake lands within a rotation interval, so a command may need a few tries
            await(command).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Tool.Result r = bash.run(Duration.ofSeconds(60), env, "-c",
                        "cd " + work + " && " + local);
                assertThat(r.exit()).as(command + "\n" + r.err()).isZero();
                assertThat(expected.test(r.out())).as(command + " printed:\n" + r.out()).isTrue();
            });
        }
        // README's NDJSON posts were transactions, each ending in a commit marker that holds no record: once the sinks
        // wrote every record, the overview shows no lag (it had shown one per marker)
        await("no lag in the overview").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var overview = new com.fasterxml.jackson.databind.ObjectMapper().readTree(app.get("/api/v1/overview").body());
            assertThat(overview.path("sinks")).isNotEmpty();
            for (var sink : overview.path("sinks")) {
                assertThat(sink.path("lag").asLong()).as(sink.toString()).isZero();
            }
        });
    }

    /** The tools' environment: a home of the test's own, and DuckDB (its CLI, or the stand-in) on the PATH. */
    private static Map<String, String> environment() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(DuckDb.environment());
        env.put("HOME", work.toString());
        return env;
    }

    /** The commands of the marked bash blocks, continuation lines joined, comment lines left out. */
    static List<String> commands(String readme) {
        List<String> out = new ArrayList<>();
        String[] lines = readme.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals(MARK)) {
                continue;
            }
            int j = i + 1;
            while (j < lines.length && !lines[j].startsWith("```")) {
                j++;
            }
            StringBuilder command = new StringBuilder();
            for (j++; j < lines.length && !lines[j].startsWith("```"); j++) {
                String line = lines[j];
                if (command.isEmpty() && (line.isBlank() || line.startsWith("#"))) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    command.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                if (line.stripTrailing().endsWith("|")) {
                    command.append(line).append(' ');
                    continue;
                }
                command.append(line);
                out.add(command.toString().strip());
                command.setLength(0);
            }
            i = j;
        }
        return out;
    }

    private static boolean landed(List<String> topics) throws Exception {
        for (String topic : topics) {
            if (!app.lakeLanded(topic)) {
                return false;
            }
        }
        return true;
    }

    /** What a metric's pipeline answers in MongoDB now, as DuckDB's CSV: a header, then the rows. */
    private static String metricInMongo(String file) {
        DeclaredMetric metric;
        try {
            metric = DeclaredMetric.parse(Files.readString(Path.of(file)), file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder();
        for (org.bson.Document row : app.mongo().getCollection(metric.collection()).aggregate(metric.pipeline())) {
            if (out.isEmpty()) {
                out.append(String.join(",", row.keySet())).append('\n');
            }
            out.append(String.join(",", row.values().stream().map(ReadmeCommandsIT::csvCell).toList())).append('\n');
        }
        return out.toString();
    }

    private static String csvCell(Object v) {
        String s = v == null ? "" : v.toString();
        return s.matches("(?s).*[\",\n].*") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** The geo records per country as MongoDB has them, as CSV with this header. */
    private static String countsInMongo(String header) {
        StringBuilder out = new StringBuilder(header).append('\n');
        app.mongo().getCollection("geo").aggregate(List.of(
                new org.bson.Document("$group", new org.bson.Document("_id", "$country")
                        .append("posts", new org.bson.Document("$sum", 1))),
                new org.bson.Document("$sort", new org.bson.Document("_id", 1))))
                .forEach(d -> out.append(d.get("_id")).append(',').append(d.get("posts")).append('\n'));
        return out.toString();
    }

    /** README's addresses (the defaults) as this test's. */
    private static String local(String command) {
        var c = app.connections();
        String http = app.property("caravan.active.http-port");
        String mongo = c.mongoUri().replaceFirst("^mongodb://", "").replaceFirst("/.*$", "");
        return command.replace("target/caravan.jar", Path.of("target/caravan.jar").toAbsolutePath().toString())
                .replace("localhost:8080", "127.0.0.1:" + http).replace("127.0.0.1:8080", "127.0.0.1:" + http)
                .replace("127.0.0.1:9092", c.kafkaBrokers()).replace("127.0.0.1:27017", mongo)
                .replace("http://127.0.0.1:9000", c.s3Endpoint());
    }

    /** What each command must print, as README shows it. */
    private static Predicate<String> expectation(String command) {
        if (command.contains("/api/v1/inbox")) {
            return out -> out.contains("\"topic\":\"caravan.inbox\"") && out.contains("\"id\":");
        }
        if (command.contains("/api/v1/streams/geo")) {
            return out -> out.contains("\"accepted\":2");
        }
        if (command.startsWith("kcat")) {
            return out -> out.contains("Tiny cabin");
        }
        if (command.contains("mongosh") && command.contains("db.inbox.find")) {
            return out -> out.contains("Tiny cabin") && out.contains("follower_count");
        }
        if (command.contains("mongosh") && command.contains("aggregate")) {
            return out -> out.contains("Albania") && out.contains("Armenia");
        }
        if (command.contains("mongosh") && command.contains("$near")) {
            // the nearer of README's two geo records comes first
            return out -> out.contains("Albania") && out.contains("Armenia")
                    && out.indexOf("Albania") < out.indexOf("Armenia");
        }
        if (command.contains("aws ") && command.contains(" ls ")) {
            return out -> out.contains("raw/caravan.inbox/dt=");
        }
        if (command.contains("aws ") && command.contains(" cp ")) {
            return out -> out.contains("clean/caravan.geo/dt=");
        }
        if (command.contains(" emulate ")) {
            return out -> out.contains("emulate: done") && out.contains("errors 0");
        }
        if (command.startsWith("duckdb") && command.contains("metrics/popular-category-by-country.yaml")) {
            // the metric's batch SQL over the user's copy answers what its pipeline answers in MongoDB
            return out -> out.equals(metricInMongo("metrics/popular-category-by-country.yaml"));
        }
        if (command.startsWith("duckdb")) {
            // DuckDB's counts per country are MongoDB's
            return out -> out.equals(countsInMongo("country,posts"));
        }
        throw new AssertionError("ReadmeCommandsIT does not know what this README command should print: " + command);
    }
}
