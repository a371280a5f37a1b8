package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.LocalBucket;
import dev.caravan.testing.TestClock;
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
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The crash reasoning of LakeWriter, step by step against a real S3 API: a file set written but never committed
 * (the process died before the commit) is removed by the next writer before it writes the same offsets again, cut
 * differently, so every offset is in exactly one file; a committed one is kept. And its fencing: a writer that lost
 * a partition writes and commits nothing more for it, from any thread, and starts afresh if it comes back.
 */
class LakeWriterRecoveryTest {

    /** The writers' clock: a test moves it past the rotation interval instead of sleeping. */
    static final TestClock CLOCK = new TestClock();

    @TempDir
    static Path dir;
    static LocalBucket bucket;
    static S3Client s3;
    static CamelContext context = new DefaultCamelContext();

    @BeforeAll
    static void start() throws Exception {
        bucket = LocalBucket.start(dir);
        s3 = bucket.s3();
    }

    @AfterAll
    static void stop() throws Exception {
        bucket.close();
    }

    @Test
    void anUncommittedFileSetIsReplacedAndACommittedOneKept() throws Exception {
        LakeStore store = new LakeStore(s3, "lake");
        List<Long> committed = new ArrayList<>();

        // first run: offsets 0..9 in units of 4: [0,4) and [4,8) written and committed; [8,10) written by the
        // rotation timer, its commit still queued when the process dies
        LakeWriter first = writer(store, 4);
        LakeStages.consume(first, records("t1", 0, 10, committed));
        assertThat(committed).containsExactly(3L, 7L);
        CLOCK.advance(Duration.ofMillis(60));
        assertThat(LakeStages.rotate(first)).isEqualTo(1);

        // restart: consumption resumes at the committed offset 8 and is cut differently (units of 5)
        LakeWriter second = writer(store, 5);
        LakeStages.consume(second, records("t1", 8, 15, committed));
        assertThat(committed).containsExactly(3L, 7L, 12L);
        CLOCK.advance(Duration.ofMillis(60));
        LakeStages.rotate(second);
        LakeStages.consume(second, List.of()); // the consumer thread commits what the timer wrote

        List<JsonNode> lines = LakeFiles.lines(s3, "lake", "raw/t1/");
        assertThat(lines).extracting(l -> l.get("offset").asLong())
                .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        List<JsonNode> manifests = LakeFiles.manifests(s3, "lake", "t1");
        assertThat(manifests).extracting(m -> m.get("from").asLong() + "-" + m.get("to").asLong())
                .containsExactlyInAnyOrder("0-4", "4-8", "8-13", "13-15");
    }

    @Test
    void aWriterThatLostItsPartitionNeverWritesOrCommitsForItAgain() throws Exception {
        LakeStore store = new LakeStore(s3, "lake");
        List<Long> committed = new ArrayList<>();
        java.util.Set<String> ownedByA = new java.util.HashSet<>(java.util.Set.of("t4-0"));
        LakeWriter a = writer(store, 4).fencedBy((topic, partition) -> ownedByA.contains(topic + "-" + partition));
        LakeStages.consume(a, records("t4", 0, 6, committed)); // [0,4) written and committed, [4,6) open
        assertThat(committed).containsExactly(3L);

        // a rebalance moves the partition to B: A's open set is dropped, and its timer writes nothing for it
        ownedByA.clear();
        a.revoked(java.util.List.of(new org.apache.kafka.common.TopicPartition("t4", 0)));
        CLOCK.advance(Duration.ofMillis(60));
        assertThat(LakeStages.rotate(a)).isZero();
        LakeStages.consume(a, records("t4", 4, 6, committed)); // a stale batch, delivered after the revocation: ignored
        LakeWriter b = writer(store, 4);
        LakeStages.consume(b, records("t4", 4, 9, committed)); // B reads from the committed offset
        assertThat(committed).containsExactly(3L, 7L);
        // an expelled A (no revocation heard, ownership lost by the poll timeout): nothing is written either
        LakeStages.consume(a, records("t4", 7, 9, committed));
        CLOCK.advance(Duration.ofMillis(60));
        assertThat(LakeStages.rotate(a)).isZero();
        LakeStages.rotate(b);
        LakeStages.consume(b, List.of());
        assertThat(committed).containsExactly(3L, 7L, 8L);

        // the partition comes back to A: it starts from the committed offset, with nothing left from before
        ownedByA.add("t4-0");
        LakeStages.consume(a, records("t4", 9, 13, committed));
        assertThat(committed).containsExactly(3L, 7L, 8L, 12L);
        assertThat(LakeFiles.lines(s3, "lake", "raw/t4/")).extracting(l -> l.get("offset").asLong())
                .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(LakeFiles.manifests(s3, "lake", "t4")).extracting(m -> m.get("from").asLong() + "-" + m.get("to").asLong())
                .containsExactlyInAnyOrder("0-4", "4-8", "8-9", "9-13");
    }

    @Test
    void aBatchThatFillsSeveralUnitsWritesEachOnlyAfterThePreviousIsCommitted_andTheTimerNeverWritesAheadOfACommit()
            throws Exception {
        List<String> events = new ArrayList<>();
        LakeStore store = new LakeStore(s3, "lake") {
            @Override
            void put(String key, byte[] bytes, String contentType) {
                super.put(key, bytes, contentType);
                if (key.contains("_manifests/t5/0/") && !key.endsWith("_pending.json")) {
                    events.add("manifest " + key.substring(key.lastIndexOf('/') + 1));
                }
            }
        };
        List<Long> committed = new ArrayList<>();
        LakeWriter writer = writer(store, 2);
        List<Exchange> batch = records("t5", 0, 7, committed);
        batch.forEach(e -> {
            KafkaManualCommit c = e.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            e.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) () -> {
                c.commit();
                events.add("commit " + committed.get(committed.size() - 1));
            });
        });

        LakeStages.consume(writer, batch); // three full units of 2, offset 6 left open

        assertThat(events).as("at most one written unit of a partition is uncommitted at any time").containsExactly(
                "manifest 00000000000000000000.json", "commit 1",
                "manifest 00000000000000000002.json", "commit 3",
                "manifest 00000000000000000004.json", "commit 5");
        // the timer writes [6, 7); the next unit waits until the consumer thread has committed it
        CLOCK.advance(Duration.ofMillis(60));
        assertThat(LakeStages.rotate(writer)).isEqualTo(1);
        writer.buffer(records("t5", 7, 9, committed)); // a full unit, cut
        assertThat(writer.landOnTimer()).as("not ahead of the commit of [6, 7)").isZero();
        writer.land();
        writer.commit();
        assertThat(committed).containsExactly(1L, 3L, 5L, 6L, 8L);
    }

    @Test
    void aRedeliveredBatchIsNotAppendedTwice() throws Exception {
        LakeStore store = new LakeStore(s3, "lake");
        List<Long> committed = new ArrayList<>();
        LakeWriter writer = writer(store, 100);
        LakeStages.consume(writer, records("t2", 0, 6, committed));
        LakeStages.consume(writer, records("t2", 0, 6, committed)); // the same batch again, as after a failed attempt
        LakeStages.consume(writer, records("t2", 6, 8, committed));
        CLOCK.advance(Duration.ofMillis(60));
        LakeStages.rotate(writer);
        assertThat(LakeFiles.lines(s3, "lake", "raw/t2/")).hasSize(8);
    }

    @Test
    void theRawZoneEmbedsOnlyOneValidJsonObjectAsReceived() {
        assertThat(RawLines.isJsonObject("{\"a\":[1,{\"b\":null}]}".getBytes())).isTrue();
        assertThat(RawLines.isJsonObject("{not json".getBytes())).isFalse();
        assertThat(RawLines.isJsonObject("[1,2]".getBytes())).isFalse();
        assertThat(RawLines.isJsonObject("{}{}".getBytes())).isFalse();
        assertThat(RawLines.isJsonObject(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}))
                .isFalse();
        assertThat(RawLines.isJsonObject(null)).isFalse();
    }

    @Test
    void everyRawLineIsOneJsonObjectWhateverTheValueAndKeyHold() throws Exception {
        LakeStore store = new LakeStore(s3, "lake");
        LakeWriter writer = writer(store, 6);
        List<Exchange> batch = records("t3", 0, 6, new ArrayList<>());
        String[] values = {"{\"a\":1}", "{\n  \"a\": 2\n}", "{\"a\":3}\r", "[4]", "{\"a\":\"f\u00fcnf\"}", "not json"};
        String[] keys = {"plain", "with \"quotes\"", "tab\there", "back\\slash", "\u00fc-\u4e2d", null};
        for (int i = 0; i < 6; i++) {
            batch.get(i).getMessage().setBody(values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            batch.get(i).getMessage().setHeader(KafkaConstants.KEY, keys[i]);
        }
        LakeStages.consume(writer, batch);

        List<com.fasterxml.jackson.databind.JsonNode> lines = LakeFiles.lines(s3, "lake", "raw/t3/");
        assertThat(lines).hasSize(6);
        for (int i = 0; i < 6; i++) {
            com.fasterxml.jackson.databind.JsonNode line = lines.get(i);
            assertThat(line.get("offset").asLong()).isEqualTo(i);
            assertThat(line.get("topic").asText()).isEqualTo("t3");
            assertThat(line.get("key").isNull() ? null : line.get("key").asText()).isEqualTo(keys[i]);
        }
        // one-line objects as received, objects spanning lines re-written on one line, the rest in base64
        assertThat(lines.get(0).get("value").get("a").asInt()).isEqualTo(1);
        assertThat(lines.get(1).get("value").get("a").asInt()).isEqualTo(2);
        assertThat(lines.get(2).get("value").get("a").asInt()).isEqualTo(3);
        assertThat(lines.get(3).get("value_base64").asText()).isEqualTo("WzRd");
        assertThat(lines.get(4).get("value").get("a").asText()).isEqualTo("f\u00fcnf");
        assertThat(lines.get(5).has("value_base64")).isTrue();
        assertThat(RawLines.jsonShape("{\"a\":1}".getBytes())).isEqualTo(RawLines.ONE_LINE);
        assertThat(RawLines.jsonShape("{\"a\":\r1}".getBytes())).isEqualTo(RawLines.MULTI_LINE);
        // UTF-16 JSON whose bytes hold 0x0A (U+010A) without a line break: written again as UTF-8, never copied
        assertThat(RawLines.jsonShape("{\"a\":\"\u010a\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE)))
                .isEqualTo(RawLines.MULTI_LINE);
    }

    private static LakeWriter writer(LakeStore store, int flushRecords) {
        return new LakeWriter(store, new LakeKeys(""), new LakeWriter.Limits(flushRecords, 1 << 30, 50),
                dev.caravan.flow.Flows.of(List.of()), "deflate", CLOCK);
    }

    private static List<Exchange> records(String topic, long from, long to, List<Long> committed) {
        List<Exchange> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            Exchange e = new DefaultExchange(context);
            long offset = o;
            e.getMessage().setHeader(KafkaConstants.TOPIC, topic);
            e.getMessage().setHeader(KafkaConstants.PARTITION, 0);
            e.getMessage().setHeader(KafkaConstants.OFFSET, offset);
            e.getMessage().setHeader(KafkaConstants.TIMESTAMP, 1_700_000_000_000L);
            e.getMessage().setHeader(KafkaConstants.KEY, "k" + offset);
            e.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) () -> committed.add(offset));
            e.getMessage().setBody(("{\"n\":" + offset + "}").getBytes());
            out.add(e);
        }
        return out;
    }
}
