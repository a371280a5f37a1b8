package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.caravan.testing.LakeFiles;
import dev.caravan.testing.RunningCaravan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a record that went all the way through, a stop and a start on the same data directory keep the document, the
 * object and the committed offsets, and nothing is consumed twice.
 */
class RestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void documentsObjectsAndOffsetsSurviveARestartAndNothingIsReconsumed() throws Exception {
        // one partition, so "the second record was processed" implies "everything before it was too"
        Map<String, String> props = Map.of("caravan.embedded.kafka.partitions", "1",
                "caravan.lake.rotate-interval-ms", "1000", "caravan.lake.check-interval-ms", "200");
        String first;
        try (RunningCaravan app = RunningCaravan.start(data, props)) {
            first = id(app.post("/api/v1/inbox", "application/json", "{\"n\":1}").body());
            awaitStored(app, first, 0);
        }

        try (RunningCaravan app = RunningCaravan.start(data, props)) {
            assertThat(app.mongo().getCollection("inbox").find(Filters.eq("_id", first)).first())
                    .as("document kept across the restart").isNotNull();
            // in the lake across the restart (a file set closed by the timer and not yet committed is written again)
            awaitInLake(app, 0);
            assertCommittedToTheEnd(app, "caravan-mongo");

            String second = id(app.post("/api/v1/inbox", "application/json", "{\"n\":2}").body());
            awaitStored(app, second, 1);

            // had the first record been consumed again, this start's sink would have written two documents, not one
            assertThat(written(app, "inbox")).isEqualTo(1);
            assertThat(app.mongo().getCollection("inbox").countDocuments()).isEqualTo(2);
            // and the lake holds each record once: the first set was committed before the stop or is written again
            List<JsonNode> lines = LakeFiles.lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.inbox/");
            assertThat(lines).extracting(l -> l.get("offset").asLong()).containsExactlyInAnyOrder(0L, 1L);
        }
    }

    private static void awaitStored(RunningCaravan app, String id, long offset) {
        await("document " + id).atMost(Duration.ofSeconds(60))
                .until(() -> app.mongo().getCollection("inbox").find(Filters.eq("_id", id)).first() != null);
        awaitInLake(app, offset);
    }

    private static void awaitInLake(RunningCaravan app, long offset) {
        await("offset " + offset + " in the lake").atMost(Duration.ofSeconds(60)).until(() -> LakeFiles
                .lines(app.s3(), app.connections().s3Bucket(), "raw/caravan.inbox/").stream()
                .anyMatch(l -> l.get("offset").asLong() == offset));
    }

    private static void assertCommittedToTheEnd(RunningCaravan app, String group) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, app.connections().kafkaBrokers());
        try (Admin admin = Admin.create(p)) {
            TopicPartition tp = new TopicPartition("caravan.inbox", 0);
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
            assertThat(committed).as("offset committed by " + group).isNotNull();
            assertThat(committed.offset()).as(group + " committed offset").isEqualTo(end);
        }
    }

    /** Documents this start's MongoDB sink wrote to the collection (caravan_sink_writes_total). */
    private static double written(RunningCaravan app, String collection) {
        Counter writes = app.context().getRegistry().findSingleByType(MeterRegistry.class)
                .find("caravan.sink.writes").tag("collection", collection).counter();
        return writes == null ? 0 : writes.count();
    }

    private static String id(String receipt) throws Exception {
        return JSON.readTree(receipt).get("id").asText();
    }
}
