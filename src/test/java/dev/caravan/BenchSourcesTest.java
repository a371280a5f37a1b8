package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Benchmarks never run in CI, so nothing else notices one that no longer compiles after a change to the app: each
 * program compiles here against the app's classes and libraries, as bench/bench.sh and the peers' scripts build it.
 */
class BenchSourcesTest {

    @TempDir
    Path out;

    @Test
    void theBenchmarksCompileWithTheKit() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("bench"))) {
            files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).sorted().forEach(sources::add);
        }
        assertThat(sources).contains("bench/BenchKit.java", "bench/RawLimits.java", "bench/IngestBench.java");
        assertThat(compile(sources)).isEmpty();
    }

    @Test
    void thePlainHttpPeerCompiles() {
        assertThat(compile(List.of("bench/peers/PlainHttpProducer.java"))).isEmpty();
    }

    /** MemoryMongoServer is left out: its backend is fetched by peers-mongo-sink.sh, it is not one of the app's. */
    @ParameterizedTest
    @ValueSource(strings = {"FileMongoServer", "PinBacklog", "PostsBacklog"})
    void theConnectPeersCompileWithTheirKit(String program) {
        assertThat(compile(List.of("bench/peers/connect/PeerKit.java", "bench/peers/connect/" + program + ".java")))
                .isEmpty();
    }

    /** javac's errors, empty when the sources compiled. */
    private String compile(List<String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-proc:none", "-nowarn",
                "-cp", System.getProperty("java.class.path")));
        args.addAll(sources);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, args.toArray(String[]::new));
        return status == 0 ? "" : errors.toString(StandardCharsets.UTF_8);
    }
}
