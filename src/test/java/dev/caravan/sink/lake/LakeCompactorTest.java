package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.LocalBucket;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Compaction against a real S3 API: yesterday's small files of a partition become one, every record stays exactly
 * once, a second run changes nothing, a file set that is not committed is left alone (also one written while the run
 * lists the files), and a run stopped after any of its steps is completed by the next one without loss or duplicate.
 * Commits go to a map standing in for the lake group's committed offsets.
 */
class LakeCompactorTest {

    private static final long YESTERDAY = System.currentTimeMillis() - 86_400_000L;

    @TempDir
    static Path dir;
    static LocalBucket bucket;
    static S3Client s3;
    static LakeStore store;
    static CamelContext context = new DefaultCamelContext();

    @BeforeAll
    static void start() throws Exception {
        bucket = LocalBucket.start(dir);
        s3 = bucket.s3();
        store = new LakeStore(s3, "lake");
    }

    @AfterAll
    static void stop() throws Exception {
        bucket.close();
    }

    @Test
    void pastSmallFilesBecomeOneAndASecondRunChangesNothing() throws Exception {
        LakeWriter writer = writer();
        LakeStages.consume(writer, records("c1", 0, 20)); // 5 file sets of 4; the last one's commit may still be pending
        LakeCompactor compactor = compactor(store, "c1");

        LakeCompactor.Result first = compactor.compact("c1");
        assertThat(first.filesMerged()).isEqualTo(4);
        assertThat(files("c1")).hasSize(2).anyMatch(k -> k.endsWith("c.ndjson.gz"));
        assertThat(offsets("c1")).containsExactlyInAnyOrderElementsOf(range(0, 20));
        JsonNode manifest = LakeFiles.manifests(s3, "lake", "c1").get(0);
        assertThat(manifest).isNotNull();

        assertThat(compactor.compact("c1").filesMerged()).isZero();
        assertThat(offsets("c1")).containsExactlyInAnyOrderElementsOf(range(0, 20));

        // more sets arrive: the earlier merged file is merged again with what is now committed
        LakeStages.consume(writer, records("c1", 20, 28));
        assertThat(compactor.compact("c1").filesMerged()).isEqualTo(3);
        assertThat(files("c1")).hasSize(2);
        assertThat(offsets("c1")).containsExactlyInAnyOrderElementsOf(range(0, 28));
    }

    @ParameterizedTest
    @ValueSource(strings = {"intent", "target", "manifest", "delete"})
    void aRunStoppedAfterAnyStepIsCompletedByTheNext(String step) throws Exception {
        String topic = "crash-" + step;
        LakeStages.consume(writer(), records(topic, 0, 16));
        LakeCompactor compactor = compactor(store, topic);
        compactor.stepHook(s -> {
            if (s.equals(step)) {
                throw new IllegalStateException("crash after " + s);
            }
        });
        assertThatThrownBy(() -> compactor.compact(topic)).hasMessageContaining("crash after " + step);

        LakeCompactor next = compactor(store, topic);
        next.compact(topic);
        assertThat(offsets(topic)).containsExactlyInAnyOrderElementsOf(range(0, 16));
        assertThat(files(topic)).hasSize(2);
        assertThat(LakeFiles.keys(s3, "lake", "_manifests/" + topic + "/0/compacted/")).noneMatch(k -> k.endsWith("_pending.json"));
    }

    @Test
    void avroFilesAreMergedToo_cleanOnesWithDifferentSchemasUnderOneDerivedFromAll() throws Exception {
        // a flow with both zones in Avro and no cleaning steps: the clean zone holds the records as they came
        Flows flows = Flows.of(List.of(Flow.of(Map.of("name", "a1", "topic", "a1", "lakeFormat", "avro"), "test")));
        LakeWriter writer = new LakeWriter(store, new LakeKeys(""), new LakeWriter.Limits(4, 1 << 30, 60_000),
                flows, "snappy", Clock.systemUTC());
        // the first two sets carry a number "x", the later ones a text "y": each file has its own schema
        LakeStages.consume(writer, records("a1", 0, 8, o -> "{\"n\":" + o + ",\"x\":" + o + "}"));
        LakeStages.consume(writer, records("a1", 8, 20, o -> "{\"n\":" + o + ",\"y\":\"v" + o + "\"}"));
        LakeCompactor compactor = compactor(store, "a1");
        assertThat(compactor.compact("a1").filesMerged()).isEqualTo(8);

        List<org.apache.avro.generic.GenericRecord> raw = LakeFiles.avro(s3, "lake", "raw/a1/");
        assertThat(raw).extracting(r -> (Long) r.get("offset")).containsExactlyInAnyOrderElementsOf(range(0, 20));
        List<org.apache.avro.generic.GenericRecord> clean = LakeFiles.avro(s3, "lake", "clean/a1/");
        assertThat(clean).hasSize(20);
        org.apache.avro.generic.GenericRecord merged = clean.stream()
                .filter(r -> r.getSchema().getField("x") != null && r.getSchema().getField("y") != null)
                .findFirst().orElseThrow();
        assertThat(merged.getSchema().getField("x").schema().getTypes()).extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.LONG);
    }

    @Test
    void parquetFilesAreMergedUnderOneSchema_timestampsStayTimestamps() throws Exception {
        // a Parquet flow: clean zone in Parquet (dates typed as timestamps), raw zone in NDJSON.gz
        Flows flows = Flows.of(List.of(Flow.of(Map.of("name", "p1", "topic", "p1", "lakeFormat", "parquet",
                "clean", "- date: [at]"), "test")));
        LakeWriter writer = new LakeWriter(store, new LakeKeys(""), new LakeWriter.Limits(4, 1 << 30, 60_000),
                flows, "deflate", Clock.systemUTC()).parquetCodec("snappy");
        LakeStages.consume(writer, records("p1", 0, 8, o -> "{\"n\":" + o + ",\"at\":\"2020-01-0" + (1 + o % 9) + "T00:00:00Z\"}"));
        LakeStages.consume(writer, records("p1", 8, 20, o -> "{\"n\":" + o + ",\"y\":\"v" + o + "\"}"));
        assertThat(LakeFiles.keys(s3, "lake", "clean/p1/")).allMatch(k -> k.endsWith(".parquet")).hasSize(5);
        assertThat(LakeFiles.keys(s3, "lake", "raw/p1/")).allMatch(k -> k.endsWith(".ndjson.gz"));

        // the first four sets in both zones (the fifth's commit may still be pending)
        assertThat(compactor(store, "p1").compact("p1").filesMerged()).isEqualTo(8);

        List<String> clean = LakeFiles.keys(s3, "lake", "clean/p1/");
        String mergedKey = clean.stream().filter(k -> k.endsWith("c.parquet")).findFirst().orElseThrow();
        assertThat(clean).hasSize(2);
        byte[] merged = s3.getObjectAsBytes(b -> b.bucket("lake").key(mergedKey)).asByteArray();
        assertThat(ParquetFiles.codecOf(merged)).isEqualTo(org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY);
        AvroFiles.Read read = ParquetFiles.read(merged);
        assertThat(read.records()).extracting(r -> (Long) r.get("n")).containsExactlyInAnyOrderElementsOf(range(0, 16));
        assertThat(read.schema().getField("at").schema().getTypes().get(1).getLogicalType())
                .isEqualTo(org.apache.avro.LogicalTypes.timestampMillis());
        assertThat(read.schema().getField("y")).isNotNull();
        assertThat(new LakeReader(store, new LakeKeys("")).clean("p1")).hasSize(20)
                .anySatisfy(row -> assertThat(row.get("at")).isEqualTo("2020-01-01T00:00:00Z"));
    }

    @Test
    void rawAvroFilesOfDifferentWriterSchemasAreLeftTypedByTheirOwn() throws Exception {
        org.apache.avro.Schema v1 = org.apache.avro.SchemaBuilder.record("W").namespace("t").fields()
                .requiredLong("n").endRecord();
        org.apache.avro.Schema v2 = org.apache.avro.SchemaBuilder.record("W").namespace("t").fields()
                .requiredLong("n").optionalString("note").endRecord();
        Map<Integer, org.apache.avro.Schema> ids = Map.of(1, v1, 2, v2);
        dev.caravan.schema.SchemaRegistry registry = new dev.caravan.schema.SchemaRegistry() {
            public int register(String subject, org.apache.avro.Schema schema) {
                throw new UnsupportedOperationException();
            }
            public org.apache.avro.Schema byId(int id) {
                return ids.get(id);
            }
            public List<String> subjects() {
                return List.of();
            }
            public List<Integer> versions(String subject) {
                return List.of();
            }
            public Registered version(String subject, int version) {
                return null;
            }
            public dev.caravan.schema.Compatibility compatibility(String subject) {
                return dev.caravan.schema.Compatibility.BACKWARD;
            }
            public dev.caravan.schema.Compatibility defaultCompatibility() {
                return dev.caravan.schema.Compatibility.BACKWARD;
            }
            public String describe() {
                return "test";
            }
        };
        Flows flows = Flows.of(List.of(Flow.of(Map.of("name", "w1", "topic", "w1", "lake", "raw", "lakeFormat", "avro"),
                "test")));
        LakeWriter writer = new LakeWriter(store, new LakeKeys(""), new LakeWriter.Limits(4, 1 << 30, 60_000),
                flows, "deflate", Clock.systemUTC())
                .decodingWith(new dev.caravan.schema.StreamFormats(List.of(
                        new dev.caravan.schema.StreamFormats.Stream("w1", "w1", true, v2)), registry));
        // four sets of four: two written with v1, two with v2 (the last one stays out: its commit may be pending)
        List<Exchange> batch = records("w1", 0, 17);
        for (Exchange e : batch) {
            long o = e.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
            org.apache.avro.Schema writerSchema = o < 8 ? v1 : v2;
            org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(writerSchema);
            r.put("n", o);
            e.getMessage().setBody(dev.caravan.schema.ConfluentWire.encode(o < 8 ? 1 : 2, writerSchema, r));
        }
        LakeStages.consume(writer, batch);
        List<String> before = LakeFiles.keys(s3, "lake", "raw/w1/");
        assertThat(before).hasSize(4);

        LakeCompactor compactor = compactor(store, "w1");
        assertThat(compactor.compact("w1").filesMerged()).isZero();
        assertThat(LakeFiles.keys(s3, "lake", "raw/w1/")).isEqualTo(before);
        assertThat(LakeFiles.avro(s3, "lake", "raw/w1/")).allSatisfy(r -> assertThat(r.get("value"))
                .isInstanceOf(org.apache.avro.generic.GenericRecord.class));
    }

    @Test
    void aSetWrittenWhileTheRunListsFilesAndNeverCommittedIsNotMerged_soTheWritersRecoveryDoublesNothing() throws Exception {
        String topic = "race";
        LakeStages.consume(writer(), records(topic, 0, 16)); // four committed sets
        // the writer flushes a fifth set just as compaction lists the files, and dies before committing it
        LakeWriter dying = writer();
        LakeStore racing = new LakeStore(s3, "lake") {
            private boolean raced;

            @Override
            public List<String> list(String prefix) {
                if (!raced && prefix.startsWith("raw/" + topic + "/")) {
                    raced = true;
                    assertThatThrownBy(() -> LakeStages.consume(dying, records(topic, 16, 20, o -> "{\"n\":" + o + "}",
                            () -> {
                                throw new IllegalStateException("killed before the commit");
                            }))).hasMessageContaining("killed");
                }
                return super.list(prefix);
            }
        };
        compactor(racing, topic).compact(topic);

        // the restarted writer reads again from the committed offset: its recovery removes the set and rewrites it
        LakeStages.consume(writer(), records(topic, 16, 20));
        assertThat(offsets(topic)).containsExactlyInAnyOrderElementsOf(range(0, 20));
        assertThat(COMMITTED.get(topic)).isEqualTo(20L);
    }

    @Test
    void withoutTheCommittedOffsetsNothingIsMerged() throws Exception {
        LakeStages.consume(writer(), records("blind", 0, 16));
        LakeCompactor blind = new LakeCompactor(store, new LakeKeys(""), Clock.systemUTC(), "blind", topic -> {
            throw new IllegalStateException("Kafka is down");
        });
        assertThat(blind.compact("blind").filesMerged()).isZero();
        assertThat(files("blind")).hasSize(4);
    }

    /** The lake group's committed offsets, partition 0 of each topic (what the records' commit handles commit). */
    private static final Map<String, Long> COMMITTED = new java.util.concurrent.ConcurrentHashMap<>();

    private static LakeCompactor compactor(LakeStore store, String topics) {
        return new LakeCompactor(store, new LakeKeys(""), Clock.systemUTC(), topics,
                topic -> COMMITTED.containsKey(topic) ? Map.of(0, COMMITTED.get(topic)) : Map.of());
    }

    private static List<String> files(String topic) {
        return LakeFiles.keys(s3, "lake", "raw/" + topic + "/");
    }

    private static List<Long> offsets(String topic) {
        return LakeFiles.lines(s3, "lake", "raw/" + topic + "/").stream().map(l -> l.get("offset").asLong()).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private static LakeWriter writer() {
        // topics no flow declares: the raw zone, NDJSON
        return new LakeWriter(store, new LakeKeys(""), new LakeWriter.Limits(4, 1 << 30, 60_000),
                Flows.of(List.of()), "deflate", Clock.systemUTC());
    }

    private static List<Exchange> records(String topic, long from, long to) {
        return records(topic, from, to, o -> "{\"n\":" + o + "}");
    }

    private static List<Exchange> records(String topic, long from, long to, java.util.function.LongFunction<String> json) {
        return records(topic, from, to, json, null);
    }

    /** Records whose commit handles commit to COMMITTED, or run {@code commit} instead when one is given. */
    private static List<Exchange> records(String topic, long from, long to, java.util.function.LongFunction<String> json,
            KafkaManualCommit commit) {
        List<Exchange> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setHeader(KafkaConstants.TOPIC, topic);
            e.getMessage().setHeader(KafkaConstants.PARTITION, 0);
            e.getMessage().setHeader(KafkaConstants.OFFSET, o);
            e.getMessage().setHeader(KafkaConstants.TIMESTAMP, YESTERDAY);
            e.getMessage().setHeader(KafkaConstants.KEY, "k" + o);
            long next = o + 1;
            e.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, commit != null ? commit
                    : (KafkaManualCommit) () -> COMMITTED.merge(topic, next, Math::max));
            e.getMessage().setBody(json.apply(o).getBytes());
            out.add(e);
        }
        return out;
    }
}
