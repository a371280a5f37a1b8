package dev.caravan.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.caravan.testing.LogLines;
import dev.caravan.testing.TestSettings;

/**
 * The settings catalogue is the one declaration of every caravan.* key: application.properties shows exactly its
 * groups, keys, defaults and doc lines, and no main class reads a key by its string.
 */
class SettingsCatalogueTest {

    private static final Path PROPERTIES = Path.of("application.properties");
    private static final Pattern KEY_LITERAL = Pattern.compile("\"(caravan\\.[a-z0-9][a-z0-9.\\-]*)\"");

    /** One "## " block of the properties file with its caravan.* entries. */
    record Block(String header, List<Entry> entries) {
    }

    /** A key, its value as written, and its comment lines joined. */
    record Entry(String key, String value, String comment) {
    }

    @Test
    void applicationPropertiesShowsEveryGroupKeyDefaultAndDocOfTheCatalogueInItsOrder() throws IOException {
        List<Block> expected = new ArrayList<>();
        for (SettingGroup g : SettingsCatalogue.GROUPS) {
            List<Entry> entries = new ArrayList<>();
            for (Setting<?> s : g.settings()) {
                entries.add(new Entry(s.key(), s.propertyValue(), s.comment()));
            }
            expected.add(new Block(g.header(), entries));
        }
        List<Block> actual = caravanBlocks();

        assertThat(actual).as("application.properties' caravan.* blocks, as the catalogue declares them")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void everyKeyIsDeclaredOnce() {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (SettingGroup g : SettingsCatalogue.GROUPS) {
            for (Setting<?> s : g.settings()) {
                if (!seen.add(s.key())) {
                    twice.add(s.key());
                }
            }
        }
        assertThat(twice).isEmpty();
    }

    @Test
    void noMainClassOutsideTheCatalogueNamesAKeyOrAFamilyByItsString() throws IOException {
        Set<String> keys = new HashSet<>();
        SettingsCatalogue.GROUPS.forEach(g -> g.settings().forEach(s -> keys.add(s.key())));
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.getParent().endsWith("settings")) {
                    continue;
                }
                Matcher m = KEY_LITERAL.matcher(Files.readString(f));
                while (m.find()) {
                    String literal = m.group(1);
                    boolean family = SettingsCatalogue.FAMILIES.stream().anyMatch(x -> literal.equals(x.prefix()));
                    if (keys.contains(literal) || family) {
                        found.add(f.getFileName() + ": " + literal);
                    }
                }
            }
        }
        assertThat(found).as("keys read by their string instead of their Setting").isEmpty();
    }

    @Test
    void valuesAreTypedWithTheirDeclaredDefault() {
        assertThat(IngestSettings.TIMEOUT.parse(null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(IngestSettings.TIMEOUT.parse(" 2500 ")).isEqualTo(Duration.ofMillis(2500));
        assertThat(IngestSettings.IDEMPOTENCY_WINDOW.parse("")).isEqualTo(Duration.ofDays(1));
        assertThat(HttpSettings.ROUTES_RELOAD.parse("off")).isFalse();
        assertThat(PollerApiSettings.RANDOMUSER_DROP_FIELDS.parse(null)).contains("login.password", "login.sha256");
        assertThat(PollerApiSettings.RANDOMUSER_DROP_FIELDS.parse("a, ,b")).containsExactly("a", "b");
        assertThat(LakeSettings.FLUSH_BYTES.parse(null)).isEqualTo(64L << 20);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "caravan.mongo.batch-size | lots  | caravan.mongo.batch-size must be a whole number, got 'lots'",
            "caravan.routes.reload    | maybe | caravan.routes.reload must be true or false, got 'maybe'",
            "caravan.http.port        | 70000 | caravan.http.port must be between 0 and 65535, got 70000",
            "caravan.mongo.batch-size | 0     | caravan.mongo.batch-size must be at least 1, got 0",
            "caravan.ingest.timeout-ms | -5 | caravan.ingest.timeout-ms must be at least 1, got -5"})
    void aBadValueOrOneOutsideItsDeclaredRangeNamesItsKey(String key, String value, String message) {
        Setting<?> setting = SettingsCatalogue.GROUPS.stream().flatMap(g -> g.settings().stream())
                .filter(s -> s.key().equals(key)).findFirst().orElseThrow();

        assertThatThrownBy(() -> setting.parse(value)).hasMessage(message);
    }

    @Test
    void aDurationIsAWholeNumberInItsUnitOrAmountsWithUnits() {
        assertThat(IngestSettings.TIMEOUT.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(IngestSettings.TIMEOUT.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(IngestSettings.TIMEOUT.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(IngestSettings.IDEMPOTENCY_WINDOW.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(IngestSettings.IDEMPOTENCY_WINDOW.parse("90")).isEqualTo(Duration.ofSeconds(90));

        assertThatThrownBy(() -> IngestSettings.TIMEOUT.parse("soon")).hasMessage(
                "caravan.ingest.timeout-ms must be a whole number or a duration such as 30s, 5m or 1h30m, got 'soon'");
        assertThatThrownBy(() -> IngestSettings.TIMEOUT.parse("5s later")).hasMessageContaining("got '5s later'");
        assertThatThrownBy(() -> IngestSettings.IDEMPOTENCY_WINDOW.parse("99999999999999999")).hasMessage(
                "caravan.ingest.idempotency-window-seconds is too large, got '99999999999999999'");
    }

    @Test
    void aDurationWrittenWithUnitsReachesTheRoutesAsAWholeNumberInItsUnit() {
        CamelContext context = TestSettings.context(Map.of("caravan.poll.tick-ms", "5s",
                "caravan.ingest.retry-after-seconds", "2m"));

        new Settings(context).checkAll();

        assertThat(context.getPropertiesComponent().resolveProperty("caravan.poll.tick-ms")).hasValue("5000");
        assertThat(context.getPropertiesComponent().resolveProperty("caravan.ingest.retry-after-seconds"))
                .hasValue("120");
    }

    @Test
    void theEdgesOfARangeAreValues() {
        assertThat(HttpSettings.HTTP_PORT.parse("0")).isZero();
        assertThat(HttpSettings.HTTP_PORT.parse("65535")).isEqualTo(65535);
        assertThat(MongoSinkSettings.BATCH_SIZE.parse("1")).isEqualTo(1);
        assertThat(LakeSettings.GZIP_THREADS.parse("0")).isZero();
    }

    @Test
    void everyDeclaredSettingIsCheckedAtStartAndEveryBadValueNamedInOneLine() {
        // caravan.nyt.enabled is read by a route only: it is checked all the same
        Settings settings = TestSettings.of(Map.of("caravan.mongo.batch-size", "0", "caravan.nyt.enabled", "maybe",
                "caravan.http.port", "8081"));

        assertThatThrownBy(settings::checkAll).isInstanceOf(StartupFailure.class)
                .hasMessageContaining("caravan.mongo.batch-size must be at least 1, got 0")
                .hasMessageContaining("caravan.nyt.enabled must be true or false, got 'maybe'")
                .hasMessageNotContaining("http.port")
                .hasMessageNotContaining("\n");
        TestSettings.of(Map.of("caravan.mongo.batch-size", "7")).checkAll();
    }

    @Test
    void aKeyNobodyDeclaredIsAWarningNamingTheKeyItWasLikelyMeantAsOnce() {
        Settings settings = TestSettings.of(Map.of("caravan.mongo.batchsize", "100", "caravan.flows.pins.topic", "p"));
        try (LogLines log = LogLines.capture()) {
            settings.checkAll();
            settings.checkAll(); // the start-up listener and the configuration both ask; the warning is said once

            assertThat(log.lines()).filteredOn(l -> l.contains("not a Caravan setting")).containsExactly(
                    "WARN dev.caravan.settings.Settings caravan.mongo.batchsize is not a Caravan setting and is "
                            + "ignored; did you mean caravan.mongo.batch-size?");
        }
    }

    private static List<Block> caravanBlocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        List<String> header = new ArrayList<>();
        List<String> comment = new ArrayList<>();
        Block current = null;
        boolean inHeader = false;
        for (String line : Files.readAllLines(PROPERTIES)) {
            if (line.startsWith("## ")) {
                if (!inHeader) {
                    header.clear();
                }
                header.add(line.substring(3));
                inHeader = true;
                comment.clear();
                continue;
            }
            if (inHeader) {
                current = new Block(String.join(" ", header), new ArrayList<>());
                blocks.add(current);
                inHeader = false;
            }
            if (line.startsWith("# ")) {
                comment.add(line.substring(2));
            } else if (line.isBlank()) {
                comment.clear();
            } else {
                int eq = line.indexOf('=');
                String key = line.substring(0, eq).strip();
                if (key.startsWith("caravan.") && current != null) {
                    current.entries().add(new Entry(key, line.substring(eq + 1).strip(), String.join(" ", comment)));
                }
                comment.clear();
            }
        }
        if (inHeader) {
            blocks.add(new Block(String.join(" ", header), new ArrayList<>()));
        }
        // the Camel blocks hold no caravan.* key
        return blocks.stream().filter(b -> !b.entries().isEmpty() || !b.header().startsWith("Camel")
                && !b.header().startsWith("HTTP client") && !b.header().startsWith("Kafka component")
                && !b.header().startsWith("S3 component")).toList();
    }
}
