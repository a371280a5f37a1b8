package dev.caravan.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool users run against Caravan (mongosh, kcat, the AWS CLI, DuckDB), found on the PATH. CI installs
 * each one (.ci/run), so there a missing tool fails the test; on a developer's machine the test is skipped instead.
 */
public record Tool(String name, Path path) {

    /** What one run printed and how it ended. */
    public record Result(int exit, String out, String err) {
    }

    /** The tool on the PATH; {@code install} says how .ci/run installs it. */
    public static Tool require(String name, String install) {
        Tool tool = find(name);
        if (tool == null) {
            missing(name, install);
        }
        return tool;
    }

    /** The tool on the PATH, or null. */
    public static Tool find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return new Tool(name, candidate);
            }
        }
        return null;
    }

    /** Fails in CI, where .ci/run installs every tool; skips the test elsewhere. */
    public static void missing(String name, String install) {
        if (System.getenv("CI") != null) {
            throw new AssertionError(name + " is not installed; CI must install it (" + install + ", see .ci/run)");
        }
        Assumptions.abort(name + " is not installed (" + install + ")");
    }

    /** Runs the tool with these arguments and environment additions, within the timeout. */
    public Result run(Duration timeout, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(path.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Path out = Files.createTempFile(name, ".out");
        Path err = Files.createTempFile(name, ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish within " + timeout + ": "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
