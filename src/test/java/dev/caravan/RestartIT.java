package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.caravan.testing.RunningCaravan;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
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
        Map<String, String> props = Map.of("caravan.embedded.kafka.partitions", "1");
        String first;
        String firstKey;
        try (RunningCaravan app = RunningCaravan.start(data, props)) {
            first = id(app.post("/api/v1/inbox", "application/json", "{\"n\":1}").body());
            firstKey = awaitStored(app, first, 0);
        }

        try (RunningCaravan app = RunningCaravan.start(data, props)) {
            assertThat(app.mongo().getCollection("inbox").find(Filters.eq("_id", first)).first())
                    .as("document kept across the restart").isNotNull();
            assertThat(app.object(firstKey)).as("object kept across the restart").contains("\"n\":1");
            assertCommittedToTheEnd(app, "caravan-inbox-mongo");
            assertCommittedToTheEnd(app, "caravan-inbox-lake");

            String second = id(app.post("/api/v1/inbox", "application/json", "{\"n\":2}").body());
            awaitStored(app, second, 1);

            // had the first record been consumed again, these routes would count two exchanges, not one
            assertThat(completed(app, "inbox-to-mongo")).isEqualTo(1);
            assertThat(completed(app, "inbox-to-lake")).isEqualTo(1);
            assertThat(app.mongo().getCollection("inbox").countDocuments()).isEqualTo(2);
        }
    }

    private static String awaitStored(RunningCaravan app, String id, long offset) {
        await("document " + id).atMost(Duration.ofSeconds(60))
                .until(() -> app.mongo().getCollection("inbox").find(Filters.eq("_id", id)).first() != null);
        String suffix = "caravan.inbox+0+%020d.json".formatted(offset);
        return await("object at offset " + offset).atMost(Duration.ofSeconds(60)).until(() -> app.s3()
                .listObjectsV2(b -> b.bucket(app.connections().s3Bucket()).prefix("raw/caravan.inbox/")).contents()
                .stream().map(o -> o.key()).filter(k -> k.endsWith(suffix)).findFirst().orElse(null), k -> k != null);
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

    private static long completed(RunningCaravan app, String routeId) throws Exception {
        ManagedRouteMBean route = app.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId);
        return route.getExchangesCompleted();
    }

    private static String id(String receipt) throws Exception {
        return JSON.readTree(receipt).get("id").asText();
    }
}
