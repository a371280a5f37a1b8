package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.emulate.PinterestGenerator;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RecordProducer;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given records on three stream topics, the lake holds each exactly once in the raw zone (as received, with its
 * topic, partition and offset) and cleaned in the clean zone, in NDJSON.gz files partitioned by event time, closed by
 * count (geo), by bytes (pins) and by time (a quiet users topic), each listed in a manifest, and the reconcile
 * endpoint finds no gap and no overlap.
 */
class LakeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GEO = 300;
    private static final int PINS = 30;

    @TempDir
    static Path data;
    static RunningCaravan app;
    static Map<Integer, JsonNode> geoByInd = new HashMap<>();
    static Map<Integer, JsonNode> usersByInd = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        app = RunningCaravan.start(data, Map.of(
                "caravan.lake.flush-records", "50",
                "caravan.lake.flush-bytes", "20000",
                "caravan.lake.rotate-interval-ms", "3000",
                "caravan.lake.check-interval-ms", "200",
                "caravan.lake.batch-interval-ms", "200",
                "caravan.flows.geo.eventTime", "timestamp",
                "caravan.flows.users.lakeFormat", "avro",
                "caravan.lake.avro-codec", "snappy"));
        PinterestGenerator posts = new PinterestGenerator(11);
        try (RecordProducer producer = new RecordProducer(app.connections().kafkaBrokers())) {
            for (int i = 0; i < GEO; i++) {
                PinterestGenerator.Post post = posts.next();
                String geo = JSON.writeValueAsString(post.geo());
                geoByInd.put(post.ind(), JSON.readTree(geo));
                producer.send("caravan.geo", String.valueOf(post.ind()), geo);
                if (i < PINS) {
                    Map<String, Object> pin = new HashMap<>(post.pin());
                    pin.put("description", "x".repeat(2_000)); // about 2 KB a record: bytes close the file first
                    producer.send("caravan.pins", String.valueOf(pin.get("unique_id")), JSON.writeValueAsString(pin));
                }
                if (i < 3) {
                    String user = JSON.writeValueAsString(post.user());
                    usersByInd.put(post.ind(), JSON.readTree(user));
                    producer.send("caravan.users", String.valueOf(post.ind()), user);
                }
            }
            producer.flush();
        }
        for (String topic : List.of("caravan.geo", "caravan.pins", "caravan.users")) {
            await(topic + " landed").atMost(Duration.ofSeconds(60)).until(() -> app.lakeLanded(topic));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void theRawZoneHoldsEveryRecordOnceAsReceivedInFilesOfItsEventHour() throws Exception {
        List<JsonNode> lines = LakeFiles.lines(app.s3(), bucket(), "raw/caravan.geo/");
        assertThat(lines).hasSize(GEO);
        assertThat(lines).extracting(l -> l.get("partition").asInt() + "@" + l.get("offset").asLong()).doesNotHaveDuplicates();
        for (JsonNode line : lines) {
            JsonNode value = line.get("value");
            assertThat(value).isEqualTo(geoByInd.get(value.get("ind").asInt()));
            assertThat(line.get("topic").asText()).isEqualTo("caravan.geo");
            assertThat(line.get("key").asText()).isEqualTo(value.get("ind").asText());
        }
        // every geo file sits under the day and hour of its records' event time (the geo timestamp)
        for (String key : LakeFiles.keys(app.s3(), bucket(), "raw/caravan.geo/")) {
            assertThat(key).matches("raw/caravan\\.geo/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/caravan\\.geo\\+\\d\\+\\d{20}\\.ndjson\\.gz");
            String dt = key.replaceAll(".*/dt=([^/]+)/hour=(\\d\\d)/.*", "$1 $2");
            for (JsonNode line : LakeFiles.lines(app.s3().getObjectAsBytes(b -> b.bucket(bucket()).key(key)).asByteArray())) {
                assertThat(line.at("/value/timestamp").asText()).startsWith(dt.replace(' ', ' '));
            }
        }
    }

    @Test
    void theCleanZoneHoldsTheSameRecordsCleanedByTheSinksBeans() {
        List<JsonNode> lines = LakeFiles.lines(app.s3(), bucket(), "clean/caravan.geo/");
        assertThat(lines).hasSize(GEO);
        for (JsonNode line : lines) {
            JsonNode produced = geoByInd.get(line.get("ind").asInt());
            assertThat(line.get("_topic").asText()).isEqualTo("caravan.geo");
            assertThat(line.at("/coordinates/type").asText()).isEqualTo("Point");
            assertThat(line.at("/coordinates/coordinates/0").asDouble())
                    .isEqualTo(Double.parseDouble(produced.get("longitude").asText()));
            // a date, written as ISO-8601 UTC
            assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        }
        List<JsonNode> pins = LakeFiles.lines(app.s3(), bucket(), "clean/caravan.pins/");
        assertThat(pins).hasSize(PINS);
        // "12k" became 12000; placeholders became null
        assertThat(pins).extracting(l -> l.get("follower_count").isNumber() || l.get("follower_count").isNull())
                .containsOnly(true);
        assertThat(pins).extracting(l -> l.get("follower_count").isNumber()).contains(true);
    }

    @Test
    void anAvroStreamLandsAsContainerFilesTheAvroLibraryReadsBack() throws Exception {
        assertThat(LakeFiles.keys(app.s3(), bucket(), "raw/caravan.users/")).isNotEmpty()
                .allMatch(k -> k.endsWith(".avro"));
        List<org.apache.avro.generic.GenericRecord> raw = LakeFiles.avro(app.s3(), bucket(), "raw/caravan.users/");
        assertThat(raw).hasSize(3);
        for (org.apache.avro.generic.GenericRecord r : raw) {
            JsonNode value = JSON.readTree(((java.nio.ByteBuffer) r.get("value")).array());
            assertThat(value).isEqualTo(usersByInd.get(value.get("ind").asInt()));
            assertThat(r.get("topic").toString()).isEqualTo("caravan.users");
            assertThat(r.getSchema().getName()).isEqualTo("LakeRawRecord");
        }
        List<org.apache.avro.generic.GenericRecord> clean = LakeFiles.avro(app.s3(), bucket(), "clean/caravan.users/");
        assertThat(clean).hasSize(3);
        for (org.apache.avro.generic.GenericRecord r : clean) {
            JsonNode produced = usersByInd.get(((Number) r.get("ind")).intValue());
            assertThat(r.get("user_name").toString())
                    .isEqualTo(produced.get("first_name").asText() + " " + produced.get("last_name").asText());
            assertThat(r.get("age")).isInstanceOf(Long.class);
        }
        assertThat(LakeFiles.manifests(app.s3(), bucket(), "caravan.users").get(0).at("/files/0/format").asText())
                .isEqualTo("avro");
    }

    @Test
    void filesCloseByCountByBytesAndByTimeAndEachHasAManifestEntry() {
        List<JsonNode> geo = LakeFiles.manifests(app.s3(), bucket(), "caravan.geo");
        assertThat(geo).extracting(m -> m.get("records").asInt()).contains(50);
        List<JsonNode> pins = LakeFiles.manifests(app.s3(), bucket(), "caravan.pins");
        assertThat(pins).extracting(m -> m.get("records").asInt() < 50 && m.get("bytes").asLong() >= 20_000)
                .contains(true);
        List<JsonNode> users = LakeFiles.manifests(app.s3(), bucket(), "caravan.users");
        assertThat(users).isNotEmpty()
                .extracting(m -> m.get("records").asInt() < 50 && m.get("bytes").asLong() < 20_000).containsOnly(true);
        for (JsonNode m : geo) {
            for (JsonNode f : m.get("files")) {
                assertThat(f.get("format").asText()).isEqualTo("ndjson.gz");
                assertThat(f.get("sha256").asText()).hasSize(64);
                assertThat(f.get("records").asInt()).isPositive();
                assertThat(f.get("lastOffset").asLong()).isGreaterThanOrEqualTo(f.get("firstOffset").asLong());
                assertThat(f.get("bytes").asLong()).isPositive();
                assertThat(f.get("schema").asText()).isNotBlank();
            }
        }
    }

    @Test
    void reconcileFindsNoGapAndNoOverlapAndExplainsBadRequests() throws Exception {
        JsonNode report = JSON.readTree(app.get("/api/v1/lake/reconcile?topic=caravan.geo").body());
        assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
        long records = 0;
        for (JsonNode p : report.get("partitions")) {
            assertThat(p.get("gaps")).isEmpty();
            assertThat(p.get("overlaps")).isEmpty();
            assertThat(p.get("notYetLanded").asLong()).isZero();
            assertThat(p.get("landedTo").asLong()).isEqualTo(p.get("logEnd").asLong()); // no transactions on this topic
            records += p.get("records").asLong();
        }
        assertThat(records).isEqualTo(GEO);
        HttpResponse<String> missing = app.get("/api/v1/lake/reconcile");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(app.get("/api/v1/lake/reconcile?topic=no.such.topic").statusCode()).isEqualTo(404);
    }

    @Test
    void compactionRunsOnRequestAndLeavesTodaysFilesAlone() throws Exception {
        // pins are partitioned by the Kafka timestamp: all of today, which compaction leaves to the next day
        // (geo here is partitioned by back-dated event times, so two of its sets may share an hour and merge)
        List<String> before = LakeFiles.keys(app.s3(), bucket(), "raw/caravan.pins/");
        HttpResponse<String> r = app.post("/api/v1/lake/compact?topics=caravan.pins", "application/json", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("filesMerged").asInt()).isZero();
        assertThat(LakeFiles.keys(app.s3(), bucket(), "raw/caravan.pins/")).isEqualTo(before);
    }

    private static String bucket() {
        return app.connections().s3Bucket();
    }
}
