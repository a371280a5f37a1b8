package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.emulate.PinterestGenerator;
import dev.caravan.testing.DuckDb;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake read by DuckDB as users read it, with hive partitioning: the geo flow's clean zone in NDJSON.gz and the
 * users flow's in Parquet (one setting, {@code caravan.flows.users.lakeFormat=parquet}). DuckDB counts what MongoDB
 * holds, per dt/hour partition what the manifests say, and sees Parquet's typed columns.
 */
class LakeFormatsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POSTS = 120;

    @TempDir
    static Path data;
    @TempDir
    static Path copy;
    static RunningCaravan app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningCaravan.start(data, Map.of("caravan.flows.users.lakeFormat", "parquet",
                "caravan.lake.rotate-interval-ms", "500", "caravan.lake.check-interval-ms", "100",
                "caravan.lake.flush-records", "25"));
        PinterestGenerator generator = new PinterestGenerator(11);
        StringBuilder geo = new StringBuilder();
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < POSTS; i++) {
            PinterestGenerator.Post post = generator.next();
            geo.append(JSON.writeValueAsString(post.geo())).append('\n');
            users.append(JSON.writeValueAsString(post.user())).append('\n');
        }
        assertThat(app.post("/api/v1/streams/geo", "application/x-ndjson", geo.toString()).statusCode()).isEqualTo(202);
        assertThat(app.post("/api/v1/streams/users", "application/x-ndjson", users.toString()).statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> app.lakeLanded("caravan.geo")
                && app.lakeLanded("caravan.users") && app.mongo().getCollection("users").countDocuments() > 0);
        // as `aws s3 cp --recursive` would: the clean zone into a local folder
        for (String key : app.objectKeys("clean/")) {
            Path target = copy.resolve(key);
            Files.createDirectories(target.getParent());
            Files.write(target, app.s3().getObjectAsBytes(b -> b.bucket(app.connections().s3Bucket()).key(key))
                    .asByteArray());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void duckDbCountsTheNdjsonCleanZoneAsMongoDbAndTheManifestsDo() throws Exception {
        String csv = DuckDb.csv(copy, "SELECT dt, hour, count(*) AS n FROM read_json_auto("
                + "'clean/caravan.geo/*/*/*.ndjson.gz', hive_partitioning = true) GROUP BY ALL ORDER BY ALL");
        assertThat(partitions(csv)).isEqualTo(manifestCounts("caravan.geo"));
        // MongoDB keeps one document per business key
        assertThat(DuckDb.csv(copy, "SELECT count(DISTINCT (ind, \"timestamp\")) AS n FROM read_json_auto("
                + "'clean/caravan.geo/*/*/*.ndjson.gz', hive_partitioning = true)"))
                .isEqualTo("n\n" + app.mongo().getCollection("geo").countDocuments() + "\n");
    }

    @Test
    void duckDbReadsTheParquetCleanZoneTypedAndCountsItAsMongoDbAndTheManifestsDo() throws Exception {
        assertThat(app.objectKeys("clean/caravan.users/")).isNotEmpty().allMatch(k -> k.endsWith(".parquet"));
        assertThat(app.objectKeys("raw/caravan.users/")).allMatch(k -> k.endsWith(".ndjson.gz"));
        String csv = DuckDb.csv(copy, "SELECT dt, hour, count(*) AS n FROM read_parquet("
                + "'clean/caravan.users/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL");
        assertThat(partitions(csv)).isEqualTo(manifestCounts("caravan.users"));
        assertThat(DuckDb.csv(copy, "SELECT count(DISTINCT ind) AS n FROM read_parquet("
                + "'clean/caravan.users/*/*/*.parquet', union_by_name = true)"))
                .isEqualTo("n\n" + app.mongo().getCollection("users").countDocuments() + "\n");

        String types = DuckDb.csv(copy, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("
                + "'clean/caravan.users/*/*/*.parquet', union_by_name = true))");
        assertThat(types).contains("date_joined,TIMESTAMP WITH TIME ZONE").contains("ind,BIGINT")
                .contains("age,BIGINT").contains("user_name,VARCHAR");
        String oldest = DuckDb.csv(copy, "SELECT min(date_joined) < TIMESTAMPTZ '2030-01-01' AS ok FROM read_parquet("
                + "'clean/caravan.users/*/*/*.parquet', union_by_name = true)");
        assertThat(oldest).isEqualTo("ok\ntrue\n");
    }

    /** "dt=..|hour=.." -> records, from DuckDB's CSV of dt, hour, n. */
    private static Map<String, Long> partitions(String csv) {
        Map<String, Long> out = new TreeMap<>();
        List<String> lines = new ArrayList<>(csv.lines().toList());
        lines.remove(0);
        for (String line : lines) {
            String[] c = line.split(",");
            out.put("dt=" + c[0] + "|hour=" + String.format("%02d", Integer.parseInt(c[1])), Long.parseLong(c[2]));
        }
        return out;
    }

    /** The clean files' records per dt/hour, as the manifests list them. */
    private static Map<String, Long> manifestCounts(String topic) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode manifest : LakeFiles.manifests(app.s3(), app.connections().s3Bucket(), topic)) {
            for (JsonNode file : manifest.get("files")) {
                if (file.get("zone").asText().equals("clean")) {
                    String dt = file.get("key").asText().replaceAll(".*/(dt=[^/]+)/(hour=[^/]+)/.*", "$1|$2");
                    out.merge(dt, file.get("records").asLong(), Long::sum);
                }
            }
        }
        return out;
    }
}
