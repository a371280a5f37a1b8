package dev.caravan.console;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.sink.lake.LakeWriter;
import dev.caravan.support.OrderedMap;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * GET /api/v1/overview: what the operator console shows that no other endpoint has: per stream and polled topic the
 * records in and the time of the last one, per sink its consumer lag per topic, per dead-letter topic its count and
 * last error, and the lake files written last. Kafka is asked with one admin client; nothing here writes.
 */
public final class Overview implements AutoCloseable {

    /** A sink as the console shows it: its consumer group and the topics it reads. */
    public record Sink(String name, String group, String routeId, java.util.function.Supplier<? extends java.util.Collection<String>> topics) {
    }

    private final dev.caravan.kafka.KafkaClientConfig kafka;
    private final Flows flows;
    private volatile dev.caravan.schema.StreamFormats formats;
    private volatile java.util.function.Supplier<Map<String, String>> pollers = Map::of;
    private final List<Sink> sinks;
    private final String dlqSuffix;
    private final LakeWriter lake;
    private final dev.caravan.sink.SinkProgress progress;
    private final Duration timeout;
    private final dev.caravan.kafka.LazyAdmin admin;
    /** Lags of up to 100 offsets are read (one consumer a topic), so commit markers do not count as lag. */
    private final dev.caravan.kafka.RecordsBetween recordsBetween;

    public Overview(dev.caravan.kafka.KafkaClientConfig kafka, Flows flows, List<Sink> sinks,
            String dlqSuffix, LakeWriter lake, dev.caravan.sink.SinkProgress progress, Duration timeout) {
        this.progress = progress;
        this.kafka = kafka;
        this.flows = flows;
        this.sinks = sinks;
        this.dlqSuffix = dlqSuffix;
        this.lake = lake;
        this.timeout = timeout;
        this.admin = new dev.caravan.kafka.LazyAdmin(kafka, timeout, "caravan-admin");
        this.recordsBetween = new dev.caravan.kafka.RecordsBetween(kafka, timeout, 100);
    }

    /** The poller writing each topic (topic -> poller), shown as the flow's source. */
    public Overview showingPollers(java.util.function.Supplier<Map<String, String>> pollersByTopic) {
        this.pollers = pollersByTopic;
        return this;
    }

    /** The wire format of each topic, shown beside its source. */
    public Overview showingFormats(dev.caravan.schema.StreamFormats formats) {
        this.formats = formats;
        return this;
    }

    private volatile Map<String, Object> cached;
    private volatile long cachedAt;

    /** The overview, reused for two seconds: every open console asks every three, and each asks Kafka a lot. */
    public Map<String, Object> overview() throws Exception {
        Map<String, Object> last = cached;
        if (last != null && System.nanoTime() - cachedAt < 2_000_000_000L) {
            return last;
        }
        synchronized (this) {
            if (cached != null && System.nanoTime() - cachedAt < 2_000_000_000L) {
                return cached;
            }
            Map<String, Object> fresh = compute();
            cached = fresh;
            cachedAt = System.nanoTime();
            return fresh;
        }
    }

    private Map<String, Object> compute() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", Instant.now().toString());
        Set<String> existing = admin.get().listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);

        List<Map<String, Object>> streamRows = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> polled = pollers.get();
        for (Flow f : flows.all()) {
            String poller = polled.get(f.topic());
            sources.put(f.topic(), poller != null ? "poller " + poller
                    : f.schema() != null ? "stream " + f.name() : "flow " + f.name());
        }
        polled.forEach((topic, poller) -> sources.putIfAbsent(topic, "poller " + poller));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Map<String, Object> row = OrderedMap.of("topic", e.getKey(), "source", e.getValue(),
                    "format", formats != null && formats.isAvro(e.getKey()) ? "avro" : "json");
            if (existing.contains(e.getKey())) {
                Map<TopicPartition, long[]> ends = ends(e.getKey());
                row.put("records", ends.values().stream().mapToLong(v -> v[1] - v[0]).sum());
                long last = ends.values().stream().mapToLong(v -> v[2]).max().orElse(-1);
                row.put("lastRecordAt", last < 0 ? null : Instant.ofEpochMilli(last).toString());
            } else {
                row.put("records", 0);
                row.put("lastRecordAt", null);
            }
            streamRows.add(row);
        }
        out.put("streams", streamRows);

        List<Map<String, Object>> sinkRows = new ArrayList<>();
        for (Sink sink : sinks) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.get().listConsumerGroupOffsets(sink.group())
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<Map<String, Object>> topics = new ArrayList<>();
            long done = 0;
            long lag = 0;
            for (String topic : sink.topics().get()) {
                if (!existing.contains(topic)) {
                    continue;
                }
                long topicDone = 0;
                Map<TopicPartition, long[]> behind = new HashMap<>();
                for (Map.Entry<TopicPartition, long[]> p : ends(topic).entrySet()) {
                    OffsetAndMetadata c = committed.get(p.getKey());
                    long at = c == null ? p.getValue()[0] : c.offset();
                    topicDone += Math.max(0, at - p.getValue()[0]);
                    behind.put(p.getKey(), new long[] {at, p.getValue()[1]});
                }
                long topicLag = recordsBetween.count(behind).values().stream().mapToLong(Long::longValue).sum();
                topics.add(Map.of("topic", topic, "consumed", topicDone, "lag", topicLag));
                done += topicDone;
                lag += topicLag;
            }
            Map<String, Object> row = OrderedMap.of("name", sink.name(), "group", sink.group(), "consumed", done,
                    "lag", lag, "topics", topics, "lastError", progress.last(sink.routeId()));
            // a batch retried for longer than the stall limit: readiness is red and this says why
            Duration busy = progress.inFlightFor(sink.routeId());
            row.put("stalledSeconds", busy != null && busy.compareTo(progress.stallLimit()) > 0 ? busy.toSeconds() : null);
            sinkRows.add(row);
        }
        out.put("sinks", sinkRows);

        List<Map<String, Object>> dlq = new ArrayList<>();
        for (String topic : new TreeSet<>(existing)) {
            if (!topic.endsWith(dlqSuffix)) {
                continue;
            }
            Map<TopicPartition, long[]> ends = ends(topic);
            long count = ends.values().stream().mapToLong(v -> v[1] - v[0]).sum();
            Map<String, Object> row = OrderedMap.of("topic", topic,
                    "source", topic.substring(0, topic.length() - dlqSuffix.length()), "count", count);
            row.putAll(lastError(ends));
            dlq.add(row);
        }
        out.put("deadLetters", dlq);
        out.put("lakeFiles", lake.recentFiles());
        return out;
    }

    /** Per partition: log start, log end, newest record timestamp (-1 when none). */
    private Map<TopicPartition, long[]> ends(String topic) throws Exception {
        Map<TopicPartition, long[]> out = new HashMap<>();
        admin.offsets(topic, OffsetSpec.earliest(), OffsetSpec.latest(), OffsetSpec.maxTimestamp())
                .forEach((tp, i) -> out.put(tp, new long[] {i[0].offset(), i[1].offset(),
                        i[2] == null ? -1 : i[2].timestamp()}));
        return out;
    }

    /** The newest dead letter's error, read from its headers. */
    private Map<String, Object> lastError(Map<TopicPartition, long[]> ends) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lastError", null);
        out.put("lastAt", null);
        List<TopicPartition> withRecords = ends.entrySet().stream().filter(e -> e.getValue()[1] > e.getValue()[0])
                .map(Map.Entry::getKey).toList();
        if (withRecords.isEmpty()) {
            return out;
        }
        Properties p = kafka.consumer(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        ConsumerRecord<byte[], byte[]> newest = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(withRecords);
            withRecords.forEach(tp -> consumer.seek(tp, ends.get(tp)[1] - 1));
            long deadline = System.nanoTime() + timeout.toNanos();
            Set<TopicPartition> seen = new java.util.HashSet<>();
            while (seen.size() < withRecords.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(new TopicPartition(r.topic(), r.partition()));
                    if (newest == null || r.timestamp() > newest.timestamp()) {
                        newest = r;
                    }
                }
            }
        }
        if (newest != null) {
            Header message = newest.headers().lastHeader("caravan.error.message");
            Header stage = newest.headers().lastHeader("caravan.error.stage");
            out.put("lastError", (stage == null ? "" : new String(stage.value(), StandardCharsets.UTF_8) + ": ")
                    + (message == null ? "" : new String(message.value(), StandardCharsets.UTF_8)));
            out.put("lastAt", Instant.ofEpochMilli(newest.timestamp()).toString());
        }
        return out;
    }

    @Override
    public void close() {
        admin.close();
    }
}
