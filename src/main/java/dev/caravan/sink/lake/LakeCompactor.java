package dev.caravan.sink.lake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import dev.caravan.support.OrderedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled batch of the lake: merges the small files of each topic partition, zone, day and hour of past days
 * into one file, so readers open a few large files instead of one per rotation. Crash-safe and idempotent: an intent
 * names the target and its inputs before anything is written, the merged file and its manifest are written before
 * the inputs are deleted, and a run first finishes any intent a crash left behind. The Hive layout stays uniform
 * (dt=/hour=), which is why the merge is per hour of the day rather than one file per day.
 */
public final class LakeCompactor {

    private static final Logger LOG = LoggerFactory.getLogger(LakeCompactor.class);
    private static final Pattern FILE = Pattern.compile(
            "(?:.*/)?(raw|clean)/([^/]+)/dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/[^/]+\\+(\\d+)\\+(\\d{20})(-\\d{20}c)?\\.(ndjson\\.gz|avro|parquet)");

    /** What one run did. */
    public record Result(int groupsCompacted, int filesMerged, int filesWritten, int recovered) {
    }

    /** The lake consumer group's committed offset per partition of a topic. */
    public interface CommittedOffsets {
        Map<Integer, Long> of(String topic) throws Exception;
    }

    private final LakeStore store;
    private final LakeKeys keys;
    private final Clock clock;
    private final Topics topics;
    private final CommittedOffsets committed;
    private Consumer<String> stepHook = step -> { };

    /**
     * The lake topics as the flows declare them now, comma-separated.
     *
     * @param all       every lake topic
     * @param scheduled those compacted on a schedule (daily, weekly)
     */
    public record Topics(Supplier<String> all, Function<String, String> scheduled) {

        /** The same topics, whatever the schedule (tests, the command line). */
        static Topics fixed(String topics) {
            return new Topics(() -> topics, schedule -> topics);
        }
    }

    public LakeCompactor(LakeStore store, LakeKeys keys, Clock clock, Topics topics, CommittedOffsets committed) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.topics = topics;
        this.committed = committed;
    }

    /** Every topic listed, on a fixed list (tests, the command line). */
    public LakeCompactor(LakeStore store, LakeKeys keys, Clock clock, String allTopics, CommittedOffsets committed) {
        this(store, keys, clock, Topics.fixed(allTopics), committed);
    }

    /** POST /api/v1/lake/compact: the topics asked for, or every lake topic. */
    public Result compactRequested(String topics) {
        return compact(topics == null || topics.isBlank() ? this.topics.all().get() : topics);
    }

    /** The schedule's run (routes/sink/lake-compaction): the topics whose flows are compacted on it. */
    public Result compactScheduled(String schedule) {
        return compact(topics.scheduled().apply(schedule));
    }

    /** Tests stop a run after a step (by throwing) to leave what a crash would leave. */
    void stepHook(Consumer<String> hook) {
        this.stepHook = hook;
    }

    /** Compacts every topic listed (comma-separated); each run first completes what a crashed run left. */
    public synchronized Result compact(String topics) {
        int groups = 0;
        int merged = 0;
        int written = 0;
        int recovered = 0;
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        for (String topic : topics.split(",")) {
            topic = topic.trim();
            if (topic.isEmpty()) {
                continue;
            }
            for (String key : store.list(keys.manifests(topic))) {
                if (key.endsWith("/compacted/_pending.json")) {
                    finish(store.getJson(key), key);
                    recovered++;
                }
            }
            // files by topic partition, zone, day and hour, from the data itself (not only manifests)
            Map<String, List<FileRef>> byGroup = new TreeMap<>();
            List<FileRef> listed = new ArrayList<>();
            for (String zone : List.of("raw", "clean")) {
                for (String key : store.list(keys.zonePrefix(zone, topic))) {
                    Matcher m = FILE.matcher(key);
                    if (m.matches() && LocalDate.parse(m.group(3)).isBefore(today)) {
                        listed.add(new FileRef(key, m.group(1), Integer.parseInt(m.group(5)), m.group(3), m.group(4),
                                Long.parseLong(m.group(6)), m.group(8)));
                    }
                }
            }
            // Only files of committed sets are merged: a set that is not committed yet is removed and written again
            // by the writer's recovery after a crash, and merging it would keep its records twice. Sets end where a
            // commit is, so a file is committed exactly when its first offset is below the committed offset. Both
            // are read after the listing, so a set written meanwhile is excluded either way.
            Map<Integer, Long> done;
            try {
                done = committed.of(topic);
            } catch (Exception e) {
                LOG.warn("Lake compaction of {} skipped: the lake group's committed offsets could not be read ({})",
                        topic, e.toString());
                continue;
            }
            Set<String> uncommitted = new java.util.HashSet<>();
            for (String key : store.list(keys.manifests(topic))) {
                if (key.endsWith("/_pending.json") && !key.contains("/compacted/")) {
                    Map<String, Object> last = store.getJson(key);
                    if (last != null && last.get("files") instanceof List<?> files) {
                        files.forEach(f -> uncommitted.add(String.valueOf(f)));
                    }
                }
            }
            for (FileRef f : listed) {
                Long upTo = done.get(f.partition);
                if (upTo == null || f.firstOffset >= upTo || uncommitted.contains(f.key)) {
                    continue;
                }
                byGroup.computeIfAbsent(f.zone + "|" + f.partition + "|" + f.day + "|" + f.hour + "|" + f.format,
                        g -> new ArrayList<>()).add(f);
            }
            for (List<FileRef> files : byGroup.values()) {
                if (files.size() < 2) {
                    continue;
                }
                files.sort(Comparator.comparingLong(FileRef::firstOffset));
                if (files.get(0).zone.equals("raw") && files.get(0).format.equals("avro") && !oneSchema(files)) {
                    // merging would re-encode under a derived schema: raw files keep their writers' schemas instead
                    LOG.info("Lake compaction: the {} raw files of {}-{} {} hour {} carry different writer schemas;"
                            + " left as they are", files.size(), topic, files.get(0).partition, files.get(0).day,
                            files.get(0).hour);
                    continue;
                }
                merge(topic, files);
                groups++;
                merged += files.size();
                written++;
            }
        }
        if (groups > 0 || recovered > 0) {
            LOG.info("Lake compaction: {} files merged into {}, {} interrupted compactions completed", merged, written,
                    recovered);
        }
        return new Result(groups, merged, written, recovered);
    }

    /** True when every file of the group embeds the same Avro schema (files gone meanwhile do not count). */
    private boolean oneSchema(List<FileRef> files) {
        org.apache.avro.Schema first = null;
        for (FileRef f : files) {
            byte[] bytes = store.getOrNull(f.key);
            if (bytes == null) {
                continue;
            }
            try (var reader = new org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord>(
                    new java.io.ByteArrayInputStream(bytes), new org.apache.avro.generic.GenericDatumReader<>())) {
                if (first == null) {
                    first = reader.getSchema();
                } else if (!first.equals(reader.getSchema())) {
                    return false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Avro header of " + f.key, e);
            }
        }
        return true;
    }

    private void merge(String topic, List<FileRef> files) {
        FileRef first = files.get(0);
        // named for its first and last input, so it is never one of its own inputs
        String target = keys.compacted(first.zone, topic, first.partition, first.day, first.hour, first.firstOffset,
                files.get(files.size() - 1).firstOffset, first.format);
        String manifest = keys.compactionManifest(topic, first.partition, first.zone, first.day, first.hour);
        Map<String, Object> intent = OrderedMap.of("target", target, "manifest", manifest,
                "inputs", files.stream().map(FileRef::key).toList());
        String intentKey = keys.compactionPending(topic, first.partition);
        store.putJson(intentKey, intent);
        stepHook.accept("intent");
        write(intent);
        finish(intent, intentKey);
    }

    /** Writes the merged file and its manifest from the intent's inputs (the target may already exist: overwrite). */
    private void write(Map<String, Object> intent) {
        @SuppressWarnings("unchecked")
        List<String> inputs = (List<String>) intent.get("inputs");
        String target = (String) intent.get("target");
        Map<String, byte[]> present = new LinkedHashMap<>();
        for (String key : inputs) {
            byte[] bytes = store.getOrNull(key);
            if (bytes != null) {
                present.put(key, bytes); // an absent input was merged and deleted by a run that crashed later
            }
        }
        if (present.isEmpty()) {
            return;
        }
        long firstOffset = Long.MAX_VALUE;
        for (String key : present.keySet()) {
            Matcher m = FILE.matcher(key);
            if (m.matches()) {
                firstOffset = Math.min(firstOffset, Long.parseLong(m.group(6)));
            }
        }
        String format = target.endsWith(".avro") ? AvroFiles.FORMAT
                : target.endsWith(".parquet") ? ParquetFiles.FORMAT : NdjsonFile.FORMAT;
        Merged merged = switch (format) {
            case AvroFiles.FORMAT -> mergeAvro(target, present.values());
            case ParquetFiles.FORMAT -> mergeParquet(present.values());
            default -> mergeNdjson(present.values());
        };
        store.put(target, merged.bytes(), LakeLanding.contentType(format));
        stepHook.accept("target");
        Map<String, Object> entry = OrderedMap.of("key", target, "format", format, "firstOffset", firstOffset,
                "records", merged.records(), "bytes", merged.bytes().length, "sha256", sha256(merged.bytes()),
                "schema", merged.schema(), "replaces", List.copyOf(present.keySet()),
                "compactedAt", clock.instant().toString());
        store.putJson((String) intent.get("manifest"), entry);
        stepHook.accept("manifest");
    }

    private record Merged(byte[] bytes, long records, String schema) {
    }

    private static Merged mergeNdjson(Iterable<byte[]> inputs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long records = 0;
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            for (byte[] gz : inputs) {
                byte[] plain = gunzip(gz);
                gzip.write(plain);
                for (byte b : plain) {
                    if (b == '\n') {
                        records++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Merged(out.toByteArray(), records, null);
    }

    /**
     * Parquet files of one hour into one: under their common schema when they share it, else under the schema derived
     * from all their rows (timestamps stay timestamps), in the codec of the first.
     */
    private static Merged mergeParquet(Iterable<byte[]> inputs) {
        List<AvroFiles.Read> files = new ArrayList<>();
        for (byte[] bytes : inputs) {
            files.add(ParquetFiles.read(bytes));
        }
        org.apache.parquet.hadoop.metadata.CompressionCodecName codec = ParquetFiles.codecOf(inputs.iterator().next());
        List<org.apache.avro.generic.GenericRecord> records = new ArrayList<>();
        files.forEach(f -> records.addAll(f.records()));
        org.apache.avro.Schema first = files.stream().map(AvroFiles.Read::schema).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        if (first == null) {
            return new Merged(ParquetFiles.write(RowTypes.typed("empty", List.of()).schema(), List.of(), codec), 0,
                    null);
        }
        if (files.stream().allMatch(f -> f.schema() == null || f.schema().equals(first))) {
            return new Merged(ParquetFiles.write(first, records, codec), records.size(), first.toString());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        records.forEach(r -> rows.add(RowTypes.toTypedMap(r)));
        RowTypes.Typed typed = RowTypes.typed(first.getName(), rows);
        return new Merged(ParquetFiles.write(typed.schema(), typed.records(), codec), rows.size(),
                typed.schema().toString());
    }

    /** Same schema everywhere: blocks are copied; schemas that differ (clean zone): records are re-encoded. */
    private static Merged mergeAvro(String target, Iterable<byte[]> inputs) {
        try {
            List<org.apache.avro.Schema> schemas = new ArrayList<>();
            for (byte[] bytes : inputs) {
                try (var reader = new org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord>(
                        new java.io.ByteArrayInputStream(bytes), new org.apache.avro.generic.GenericDatumReader<>())) {
                    schemas.add(reader.getSchema());
                }
            }
            org.apache.avro.Schema first = schemas.get(0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long records = 0;
            if (schemas.stream().allMatch(first::equals)) {
                try (var writer = new org.apache.avro.file.DataFileWriter<org.apache.avro.generic.GenericRecord>(
                        new org.apache.avro.generic.GenericDatumWriter<>(first)).setCodec(AvroFiles.codec("deflate"))) {
                    writer.create(first, out);
                    for (byte[] bytes : inputs) {
                        try (var reader = new org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord>(
                                new java.io.ByteArrayInputStream(bytes), new org.apache.avro.generic.GenericDatumReader<>())) {
                            while (reader.hasNext()) {
                                writer.append(reader.next());
                                records++;
                            }
                        }
                    }
                }
                return new Merged(out.toByteArray(), records, first.toString());
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (byte[] bytes : inputs) {
                try (var reader = new org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord>(
                        new java.io.ByteArrayInputStream(bytes), new org.apache.avro.generic.GenericDatumReader<>())) {
                    while (reader.hasNext()) {
                        rows.add(RowTypes.toMap(reader.next()));
                    }
                }
            }
            AvroFiles.Written w = AvroFiles.write(first.getName(), rows, AvroFiles.codec("deflate"));
            return new Merged(w.bytes(), rows.size(), w.schema().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge Avro files into " + target, e);
        }
    }

    /** Deletes the inputs the merged file replaces, then the intent. Idempotent. */
    private void finish(Map<String, Object> intent, String intentKey) {
        if (intent == null) {
            return;
        }
        String target = (String) intent.get("target");
        if (store.getOrNull(target) == null || store.getJson((String) intent.get("manifest")) == null) {
            // the crash came before the merged file and its manifest were complete: write them now
            write(intent);
        }
        @SuppressWarnings("unchecked")
        List<String> inputs = (List<String>) intent.get("inputs");
        for (String key : inputs) {
            store.delete(key);
            stepHook.accept("delete");
        }
        store.delete(intentKey);
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record FileRef(String key, String zone, int partition, String day, String hour, long firstOffset,
            String format) {
    }
}
