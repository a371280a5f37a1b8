package dev.caravan.sink.lake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.caravan.api.ProblemException;
import dev.caravan.support.OrderedMap;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * GET /api/v1/lake/reconcile?topic=T: the offset ranges the lake's manifests cover, per partition, against the topic
 * (log start and end) and the lake consumer group's committed offsets. Reports gaps (offsets in no manifest),
 * overlaps (offsets in two), and the range landed but not yet committed (written; its commit comes with the next
 * records, or it is written again after a restart).
 */
public final class LakeReconcile implements AutoCloseable {

    private final LakeStore store;
    private final LakeKeys keys;
    private final dev.caravan.kafka.RecordsBetween recordsBetween;
    private final String group;
    private final Duration timeout;
    private final dev.caravan.kafka.LazyAdmin admin;

    public LakeReconcile(LakeStore store, LakeKeys keys, dev.caravan.kafka.KafkaClientConfig kafka, String group,
            Duration timeout) {
        this.store = store;
        this.keys = keys;
        this.recordsBetween = new dev.caravan.kafka.RecordsBetween(kafka, timeout, 10_000);
        this.group = group;
        this.timeout = timeout;
        this.admin = new dev.caravan.kafka.LazyAdmin(kafka, timeout, "caravan-admin");
    }

    public Map<String, Object> reconcile(String topic) throws InterruptedException {
        if (topic == null || topic.isBlank()) {
            throw ProblemException.badRequest("query parameter topic is required: /api/v1/lake/reconcile?topic=caravan.pins");
        }
        Map<Integer, List<Map<String, Object>>> byPartition = new HashMap<>();
        for (String key : store.list(keys.manifests(topic))) {
            if (key.endsWith("/_pending.json") || key.contains("/compacted/") || !key.endsWith(".json")) {
                continue;
            }
            Map<String, Object> m = store.getJson(key);
            if (m != null) {
                byPartition.computeIfAbsent(((Number) m.get("partition")).intValue(), p -> new ArrayList<>()).add(m);
            }
        }
        Map<Integer, long[]> log;
        Map<Integer, Long> committed;
        try {
            log = logRange(topic);
            committed = committed(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new ProblemException(404, "Not Found", "no topic named " + topic);
            }
            throw new IllegalStateException("Kafka did not answer: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout.toMillis() + " ms", e);
        }
        List<Map<String, Object>> partitions = new ArrayList<>();
        boolean ok = true;
        long files = 0;
        for (Map.Entry<Integer, long[]> p : log.entrySet()) {
            int partition = p.getKey();
            long logStart = p.getValue()[0];
            long logEnd = p.getValue()[1];
            Long done = committed.get(partition);
            List<Map<String, Object>> units = byPartition.getOrDefault(partition, List.of());
            units = new ArrayList<>(units);
            units.sort(Comparator.comparingLong(u -> ((Number) u.get("from")).longValue()));
            List<Map<String, Long>> gaps = new ArrayList<>();
            List<Map<String, Long>> overlaps = new ArrayList<>();
            long covered = -1;
            long records = 0;
            for (Map<String, Object> u : units) {
                long from = ((Number) u.get("from")).longValue();
                long to = ((Number) u.get("to")).longValue();
                records += ((Number) u.get("records")).longValue();
                files += ((List<?>) u.get("files")).size();
                if (covered < 0) {
                    if (from > logStart) {
                        gaps.add(range(logStart, from));
                    }
                } else if (from > covered) {
                    gaps.add(range(covered, from));
                } else if (from < covered) {
                    overlaps.add(range(from, Math.min(covered, to)));
                }
                covered = Math.max(covered, to);
            }
            long landed = covered < 0 ? logStart : covered;
            Map<String, Long> uncommitted = null;
            TopicPartition tp = new TopicPartition(topic, partition);
            // a sink may have committed past the transaction markers after its last record
            if (done != null && landed < done && recordsBetween.count(tp, landed, done) > 0) {
                gaps.add(range(landed, done)); // records committed but in no manifest: that would be a loss
            } else if (landed > (done == null ? logStart : done)) {
                uncommitted = range(done == null ? logStart : done, landed);
            }
            ok &= gaps.isEmpty() && overlaps.isEmpty();
            Map<String, Object> out = OrderedMap.of("partition", partition, "logStart", logStart, "logEnd", logEnd,
                    "committed", done, "landedTo", landed, "units", units.size(), "records", records, "gaps", gaps,
                    "overlaps", overlaps, "landedNotCommitted", uncommitted,
                    "notYetLanded", recordsBetween.count(tp, landed, logEnd));
            partitions.add(out);
        }
        partitions.sort(Comparator.comparingInt(m -> (Integer) m.get("partition")));
        Map<String, Object> report = OrderedMap.of("topic", topic, "group", group, "ok", ok, "files", files,
                "partitions", partitions);
        return report;
    }

    private static Map<String, Long> range(long from, long to) {
        Map<String, Long> r = new LinkedHashMap<>();
        r.put("from", from);
        r.put("to", to);
        return r;
    }

    private Map<Integer, long[]> logRange(String topic)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<Integer, long[]> out = new HashMap<>();
        admin.offsets(topic, OffsetSpec.earliest(), OffsetSpec.latest())
                .forEach((tp, i) -> out.put(tp.partition(), new long[] {i[0].offset(), i[1].offset()}));
        return out;
    }

    /** The lake consumer group's committed offset per partition of the topic (partitions without one are absent). */
    public Map<Integer, Long> committed(String topic)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.get().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<Integer, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (tp.topic().equals(topic) && o != null) {
                out.put(tp.partition(), o.offset());
            }
        });
        return out;
    }

    @Override
    public void close() {
        admin.close();
    }
}
