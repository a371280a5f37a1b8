package dev.caravan.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The build turns the settings catalogue into typed handles by running src/build/GenerateSettings.java as it does
 * here; a catalogue that makes no sense stops the build with one line naming the key, not a user's start.
 */
class GenerateSettingsTest {

    private static final String HEAD = """
            handles:
              DemoSettings: {doc: "A demo capability.", prefix: caravan.demo.}
            families:
              DEMO_FAMILY: {prefix: caravan.demo.things., doc: "one thing"}
            groups:
              - header: "Demo"
                handles: DemoSettings
                settings:
            """;

    @TempDir
    static Path generator;

    @TempDir
    Path dir;

    /** Compiled once: the build launches the source file itself, which compiles it on each of the runs below. */
    @BeforeAll
    static void compileTheGenerator() {
        assertThat(compile(generator, Path.of("src/build/GenerateSettings.java"))).isEmpty();
    }

    @Test
    void aHandleIsNamedByItsKeyWithoutTheClassPrefixAndTheUnitAndCompiles() throws Exception {
        Result r = generate(HEAD + """
                      - {key: caravan.demo.wait-ms, type: ms, default: "250", doc: "How long to wait"}
                      - {key: caravan.demo.mode, type: one-of, values: [fast, safe], default: safe, doc: "Mode",
                         env: DEMO_MODE, shown: "safe (the careful one)"}
                      - {key: caravan.other.names, type: list, default: "a,b", doc: "Names"}
                      - {key: caravan.demo.port, type: int, min: 0, max: 65535, default: "80", doc: "Port"}
                      - {key: caravan.demo.size, type: long, min: 1, default: "10", doc: "Size"}
                """);

        assertThat(r.status()).as(r.errors()).isZero();
        String demo = Files.readString(dir.resolve("out/dev/caravan/settings/DemoSettings.java"));
        assertThat(demo)
                .contains("public static final Setting<Duration> WAIT =")
                .contains("Setting.millis(\"caravan.demo.wait-ms\", 250L, \"How long to wait\")")
                .contains("Setting.oneOf(\"caravan.demo.mode\", \"safe\", \"Mode\", \"fast\", \"safe\")"
                        + ".env(\"DEMO_MODE\").shown(\"safe (the careful one)\")")
                .contains("public static final Setting<List<String>> OTHER_NAMES =")
                .contains("Setting.integer(\"caravan.demo.port\", 80, \"Port\").between(0L, 65535L);")
                .contains("Setting.longInt(\"caravan.demo.size\", 10L, \"Size\").atLeast(1L);");
        assertThat(Files.readString(dir.resolve("out/dev/caravan/settings/SettingsCatalogue.java")))
                .contains("new SettingGroup(\"Demo\", List.of(")
                .contains("DemoSettings.WAIT,")
                .contains("public static final KeyFamily DEMO_FAMILY = new KeyFamily(\"caravan.demo.things.\"");
        assertThat(compile(dir.resolve("classes"), dir.resolve("out/dev/caravan/settings/DemoSettings.java"),
                dir.resolve("out/dev/caravan/settings/SettingsCatalogue.java"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{key: caravan.demo.size, type: int, default: lots, doc: Size}"
                    + "|caravan.demo.size: default 'lots' is not a value of type int",
            "{key: caravan.demo.on, type: flag, default: maybe, doc: On}"
                    + "|caravan.demo.on: default 'maybe' is not a value of type flag",
            "{key: caravan.demo.mode, type: one-of, values: [a, b], default: c, doc: Mode}"
                    + "|caravan.demo.mode: default 'c' is not a value of type one-of [a, b]",
            "{key: caravan.demo.size, type: number, default: '1', doc: Size}"
                    + "|caravan.demo.size: type must be one of",
            "{key: caravan.demo.size, type: int, default: '1'}|caravan.demo.size: a doc line is required",
            "{key: Caravan.Size, type: int, default: '1', doc: Size}|a key must be caravan.lower-case-words",
            "{key: caravan.demo.key, type: text, env: demo_key, doc: Key}"
                    + "|caravan.demo.key: env must be an upper-case variable name",
            "{key: caravan.demo.size, type: int, min: 1, default: '0', doc: Size}"
                    + "|caravan.demo.size: default 0 is outside min 1, max null",
            "{key: caravan.demo.name, type: text, min: 1, doc: Name}"
                    + "|caravan.demo.name: min and max are for int, long, ms and s, not text",
            "{key: caravan.demo.mode, type: one-of, values: [Fast, safe], default: safe, doc: Mode}"
                    + "|caravan.demo.mode: a one-of's values are lower case",
            "{key: caravan.demo.mode, type: text, values: [a, b], doc: Mode}"
                    + "|caravan.demo.mode: values: are for a one-of, not text",
            "{key: caravan.demo.size, type: int, default: '3000000000', doc: Size}"
                    + "|caravan.demo.size: default '3000000000' is not a value of type int",
            "{key: caravan.demo.2x, type: int, default: '1', doc: Size}|a key must be caravan.lower-case-words",
            "{key: caravan.demo.size, type: int, default: '1', doc: [a, b]}|doc must be a single value"})
    void aSettingThatMakesNoSenseStopsTheBuildWithOneLineNamingIt(String setting, String message) throws Exception {
        Result r = generate(HEAD + "      - " + setting + "\n");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errors().strip()).doesNotContain("\n").contains(message);
    }

    @Test
    void aKeyDeclaredTwiceStopsTheBuild() throws Exception {
        Result r = generate(HEAD + """
                      - {key: caravan.demo.size, type: int, default: "1", doc: Size}
                      - {key: caravan.demo.size, type: int, default: "2", doc: Size again}
                """);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errors()).contains("caravan.demo.size is declared twice");
    }

    @Test
    void twoKeysWhoseHandlesWouldShareANameStopTheBuild() throws Exception {
        Result r = generate(HEAD + """
                      - {key: caravan.demo.wait, type: ms, default: "1", doc: Wait}
                      - {key: caravan.demo.wait-ms, type: ms, default: "2", doc: Wait again}
                """);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.errors()).contains("caravan.demo.wait-ms: its handle DemoSettings.WAIT is another key's too");
    }

    @Test
    void anUnchangedCatalogueLeavesTheGeneratedFilesUntouchedSoNothingIsRecompiled() throws Exception {
        String catalogue = HEAD + "      - {key: caravan.demo.size, type: int, default: '010', doc: \"Size\\r\"}\n";
        assertThat(generate(catalogue).status()).isZero();
        Path demo = dir.resolve("out/dev/caravan/settings/DemoSettings.java");
        FileTime first = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(demo, first);

        assertThat(generate(catalogue).status()).isZero();

        assertThat(Files.getLastModifiedTime(demo)).isEqualTo(first);
        assertThat(Files.readString(demo)).contains("Setting.integer(\"caravan.demo.size\", 10, \"Size\\u000d\")");
    }

    @Test
    void aClassNoLongerDeclaredIsNotLeftBehind() throws Exception {
        Files.createDirectories(dir.resolve("out/dev/caravan/settings"));
        Files.writeString(dir.resolve("out/dev/caravan/settings/GoneSettings.java"), "class GoneSettings {}");

        assertThat(generate(HEAD + "      - {key: caravan.demo.size, type: int, default: '1', doc: Size}\n")
                .status()).isZero();
        assertThat(dir.resolve("out/dev/caravan/settings/GoneSettings.java")).doesNotExist();
        assertThat(dir.resolve("out/dev/caravan/settings/DemoSettings.java")).exists();
    }

    record Result(int status, String errors) {
    }

    /** Runs the generator as the build does, in a JVM of its own on the project's classpath. */
    private Result generate(String catalogue) throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("catalogue.yaml"), catalogue);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", generator + File.pathSeparator + System.getProperty("java.class.path"), "GenerateSettings",
                file.toString(), dir.resolve("out").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String errors = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the generator ended").isTrue();
        return new Result(p.exitValue(), errors);
    }

    private static String compile(Path into, Path... sources) {
        List<String> args = new ArrayList<>(List.of("-d", into.toString(), "-proc:none",
                "-cp", System.getProperty("java.class.path")));
        for (Path s : sources) {
            args.add(s.toString());
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors, args.toArray(String[]::new));
        return status == 0 ? "" : errors.toString(StandardCharsets.UTF_8);
    }
}
