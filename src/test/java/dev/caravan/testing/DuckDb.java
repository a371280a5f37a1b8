package dev.caravan.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * DuckDB for the tests: its CLI when installed, else src/test/tools/duckdb, the same engine through npm's
 * {@code @duckdb/node-api} (the CLI is in no Debian or npm package; .ci/run installs the Node API globally).
 */
public final class DuckDb {

    private DuckDb() {
    }

    /** What a process's environment needs so that {@code duckdb -c SQL} runs (nothing when the CLI is installed). */
    public static Map<String, String> environment() throws Exception {
        Map<String, String> env = new HashMap<>();
        if (Tool.find("duckdb") != null) {
            return env;
        }
        Tool npm = Tool.require("npm", "apt-get install npm");
        String root = npm.run(Duration.ofSeconds(30), Map.of(), "root", "-g").out().strip();
        if (!Files.isDirectory(Path.of(root, "@duckdb", "node-api"))) {
            Tool.missing("@duckdb/node-api", "npm install -g @duckdb/node-api");
        }
        env.put("NODE_PATH", root);
        env.put("PATH", Path.of("src/test/tools").toAbsolutePath() + File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    /** {@code duckdb -csv -c SQL} in {@code dir}: its CSV output, or an AssertionError with DuckDB's message. */
    public static String csv(Path dir, String sql) throws Exception {
        Map<String, String> env = new HashMap<>(environment());
        env.put("SQL", sql);
        Tool bash = Tool.require("bash", "part of every Debian");
        Tool.Result r = bash.run(Duration.ofSeconds(60), env, "-c", "cd '" + dir + "' && duckdb -csv -c \"$SQL\"");
        // the SQL travels in a variable, so its quotes need no escaping for the shell
        return r.exit() == 0 ? r.out() : fail(sql, r);
    }

    private static String fail(String sql, Tool.Result r) {
        throw new AssertionError("duckdb failed on " + sql + ": " + r.err());
    }
}
