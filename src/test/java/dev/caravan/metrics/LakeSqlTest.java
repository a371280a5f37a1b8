package dev.caravan.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.sink.lake.LakeKeys;
import dev.caravan.sink.lake.LakeMirror;
import dev.caravan.sink.lake.LakeStore;
import dev.caravan.testing.LocalBucket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The batch engine's views over a real S3 API: per business key the record the MongoDB sink keeps, the joined posts
 * as structs, compacted files gone from the copy, and a topic DuckDB cannot read refused without stopping the others.
 */
class LakeSqlTest {

    @TempDir
    static Path dir;
    static LocalBucket bucket;
    static S3Client s3;
    static LakeSql sql;

    @BeforeAll
    static void start() throws Exception {
        bucket = LocalBucket.start(dir.resolve("s3"));
        s3 = bucket.s3();
        Flows flows = Flows.of(List.of(
                Flow.of(Map.of("name", "matches", "topic", "m", "collection", "matches", "businessKey", "match_id",
                        "mode", "merge", "newerField", "last_updated"), "test"),
                Flow.of(Map.of("name", "pins", "topic", "p", "collection", "pins", "businessKey", "unique_id",
                        "joinInto", "posts", "joinOn", "ind", "joinAs", "pin"), "test"),
                Flow.of(Map.of("name", "geo", "topic", "g", "collection", "geo", "businessKey", "ind",
                        "joinInto", "posts", "joinOn", "ind", "joinAs", "geo"), "test"),
                Flow.of(Map.of("name", "old", "topic", "o", "collection", "old", "businessKey", "id",
                        "lakeFormat", "avro"), "test"),
                Flow.of(Map.of("name", "quiet", "topic", "q", "collection", "quiet", "businessKey", "id"), "test"),
                Flow.of(Map.of("name", "early", "topic", "e", "collection", "early", "businessKey", "id",
                        "joinInto", "pairs", "joinOn", "id", "joinAs", "early"), "test"),
                Flow.of(Map.of("name", "late", "topic", "l", "collection", "late", "businessKey", "id",
                        "joinInto", "pairs", "joinOn", "id", "joinAs", "late"), "test")));
        sql = new LakeSql(flows, new LakeMirror(new LakeStore(s3, "lake"), new LakeKeys(""), dir.resolve("mirror")),
                100, dir.resolve("spill"));
        put("m", 0, """
                {"match_id":1,"last_updated":"2024-01-02","score":"first","_partition":0,"_offset":0}
                {"match_id":1,"last_updated":"2024-01-01","score":"older, later","_partition":0,"_offset":1}
                {"match_id":1,"last_updated":"2024-01-02","score":"equal, later","_partition":0,"_offset":2}
                """);
        put("p", 0, """
                {"unique_id":"a","ind":5,"category":"x","_partition":0,"_offset":0}
                {"unique_id":"b","ind":6,"category":"lonely","_partition":0,"_offset":1}
                """);
        put("p", 2, """
                {"unique_id":"a","ind":5,"category":"y","_partition":0,"_offset":2}
                """);
        put("g", 0, """
                {"ind":5,"country":"FR","_partition":1,"_offset":0}
                """);
        put("e", 0, """
                {"id":1,"_partition":0,"_offset":0}
                """);
        s3.putObject(b -> b.bucket("lake").key("clean/o/dt=2026-01-01/hour=00/o+0+00000000000000000000.avro"),
                RequestBody.fromBytes(new byte[] {'O', 'b', 'j', 1}));
    }

    @AfterAll
    static void stop() throws Exception {
        bucket.close();
    }

    @Test
    void aFlowWithANewerThanFieldKeepsTheFirstRecordWithItsGreatestValue() {
        LakeSql.Result r = sql.query(List.of("SELECT match_id, score FROM matches")).get(0);

        assertThat(r.error()).isNull();
        assertThat(r.rows()).containsExactly(Map.of("match_id", 1L, "score", "first"));
    }

    @Test
    void postsJoinTheNewestPartPerIndAsStructsAndOnlyCompleteOnes() {
        LakeSql.Result r = sql.query(List.of("SELECT ind, pin.category AS category, geo.country AS country FROM posts"))
                .get(0);

        assertThat(r.error()).isNull();
        assertThat(r.rows()).containsExactly(Map.of("ind", 5L, "category", "y", "country", "FR"));
    }

    @Test
    void aCompactedFileLeavesTheCopyAndAnUnreadableTopicFailsOnlyItsOwnQuery() {
        s3.deleteObject(b -> b.bucket("lake").key(key("p", 2)));
        List<LakeSql.Result> r = sql.query(List.of("SELECT category FROM pins WHERE ind = 5", "SELECT * FROM old"));

        assertThat(r.get(0).rows()).containsExactly(Map.of("category", "x"));
        assertThat(r.get(1).rows()).isEmpty();
        assertThat(r.get(1).error()).contains("old: its lake files are Avro");
        put("p", 2, "{\"unique_id\":\"a\",\"ind\":5,\"category\":\"y\",\"_partition\":0,\"_offset\":2}\n");
    }

    @Test
    void aFlowWithoutLakeFilesYetHasNoRowsAndAFailedQueryDoesNotStopTheNext() {
        List<LakeSql.Result> r = sql.query(List.of("SELECT count(*) AS n FROM quiet", "SELECT nonsense FROM",
                "SELECT count(*) AS n FROM matches"));

        assertThat(r.get(0).error()).isNull();
        assertThat(r.get(0).rows()).isEmpty();
        assertThat(r.get(1).error()).contains("Parser Error");
        assertThat(r.get(2).rows()).containsExactly(Map.of("n", 1L));
    }

    @Test
    void aJoinWithAPartThatHasNoLakeFileYetHasNoRowsYetRatherThanNoTable() {
        LakeSql.Result r = sql.query(List.of("SELECT count(*) AS n FROM pairs")).get(0);

        assertThat(r.error()).isNull();
        assertThat(r.rows()).isEmpty();
    }

    @Test
    void aMetricsSqlReadsTheLakesCopyAndNothingElseOfTheMachine() {
        LakeSql.Result r = sql.query(List.of("SELECT * FROM read_csv('/etc/passwd')",
                "SET enable_external_access = true")).get(0);

        assertThat(r.rows()).isEmpty();
        assertThat(r.error()).contains("Permission Error");
    }

    @Test
    void theEngineHoldsAtMostItsMemoryLimitAndSpillsWhatDoesNotFit() {
        List<LakeSql.Result> r = sql.query(List.of(
                "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t",
                // a window over 3,000,000 hashes needs about four times the 100 MB the engine may hold
                "SELECT max(n) AS n FROM (SELECT row_number() OVER (ORDER BY md5(range::VARCHAR)) AS n "
                        + "FROM range(3000000))"));

        assertThat(r.get(0).rows()).containsExactly(Map.of("m", "95.3 MiB",
                "t", dir.resolve("spill").toAbsolutePath().toString()));
        assertThat(r.get(1).error()).isNull();
        assertThat(r.get(1).rows()).containsExactly(Map.of("n", 3_000_000L));
    }

    private static void put(String topic, long offset, String lines) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                gzip.write(lines.getBytes(StandardCharsets.UTF_8));
            }
            s3.putObject(b -> b.bucket("lake").key(key(topic, offset)), RequestBody.fromBytes(bytes.toByteArray()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String key(String topic, long offset) {
        return "clean/" + topic + "/dt=2026-01-01/hour=00/" + topic + "+0+" + String.format("%020d", offset)
                + ".ndjson.gz";
    }
}
