package dev.caravan.sink.lake;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import dev.caravan.support.OrderedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unit's files into S3 exactly once: recovery (once per partition and process), the intent, the files, the
 * manifest. Until the unit's offset is committed, the intent says which keys a crash may have left; the next owner's
 * recovery deletes them and the range is written again. The caller holds the partition's lock and commits afterwards.
 */
final class LakeLanding {

    private static final Logger LOG = LoggerFactory.getLogger(LakeLanding.class);

    private final LakeStore store;
    private final LakeKeys keys;
    private final Clock clock;
    private final RecentFiles recent = new RecentFiles();
    /** Where the partition's last landed unit ends, so the next begins there (offsets of commit markers included). */
    private final Map<String, Long> unitEnd = new ConcurrentHashMap<>();
    private final Set<String> recovered = ConcurrentHashMap.newKeySet();

    LakeLanding(LakeStore store, LakeKeys keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Intent, files, manifest. Before each write {@code owned} is asked again: a writer that lost the partition
     * (expelled after max.poll.interval.ms) stops half-way, returns false, and leaves the rest to the new owner's
     * recovery.
     */
    boolean land(String tp, LakeUnit unit, BooleanSupplier owned) {
        recover(tp, unit);
        unit.from = unitEnd.getOrDefault(tp, unit.from);
        String manifestKey = keys.manifest(unit.topic, unit.partition, unit.from);
        List<String> fileKeys = unit.files.values().stream().map(LakeFile::key).toList();
        Map<String, Object> intent = OrderedMap.of("from", unit.from, "to", unit.to(), "files", fileKeys,
                "manifest", manifestKey);
        store.putJson(keys.pending(unit.topic, unit.partition), intent);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (LakeFile f : unit.files.values()) {
            if (!owned.getAsBoolean()) {
                return false;
            }
            store.put(f.key(), f.bytes(), contentType(f.format()));
            entries.add(f.manifestEntry(unit.topic, unit.partition));
        }
        Map<String, Object> manifest = OrderedMap.of("topic", unit.topic, "partition", unit.partition,
                "from", unit.from, "to", unit.to(), "firstOffset", unit.firstOffset, "lastOffset", unit.lastOffset,
                "records", unit.records, "bytes", unit.bytes, "notCleaned", unit.skipped,
                "writtenAt", Instant.ofEpochMilli(clock.millis()).toString(), "files", entries);
        if (!owned.getAsBoolean()) {
            return false;
        }
        store.putJson(manifestKey, manifest);
        recent.landed(entries, manifest.get("writtenAt"));
        unitEnd.put(tp, unit.to());
        if (unit.refused > 0) {
            LOG.warn("Lake: {} [{}, {}): {} record(s) kept in the raw zone only, the clean zone refused them (first at "
                    + "offset {}: {})", tp, unit.from, unit.to(), unit.refused, unit.firstRefusedOffset,
                    unit.firstRefusal);
        }
        LOG.debug("Lake: {} [{}, {}) in {} files", tp, unit.from, unit.to(), entries.size());
        return true;
    }

    /** The partition moved away: its next owner (this process again, later) starts with a recovery. */
    void forget(String tp) {
        unitEnd.remove(tp);
        recovered.remove(tp);
    }

    /** The files this process landed last, newest first (the operator console shows them). */
    List<Map<String, Object>> recentFiles() {
        return recent.list();
    }

    static String contentType(String format) {
        return switch (format) {
            case AvroFiles.FORMAT -> "application/avro";
            case ParquetFiles.FORMAT -> "application/vnd.apache.parquet";
            default -> "application/x-ndjson";
        };
    }

    /**
     * Once per partition and process, before its first landing: an intent whose range ends after the first offset
     * consumed now was never committed (consumption restarted inside or before it), so its files are removed.
     */
    private void recover(String tp, LakeUnit unit) {
        if (recovered.contains(tp)) {
            return;
        }
        Map<String, Object> intent = store.getJson(keys.pending(unit.topic, unit.partition));
        if (intent == null) {
            unit.from = unit.firstOffset;
        } else {
            long from = ((Number) intent.get("from")).longValue();
            long to = ((Number) intent.get("to")).longValue();
            if (to > unit.firstOffset) {
                @SuppressWarnings("unchecked")
                List<String> files = (List<String>) intent.get("files");
                for (String key : files) {
                    store.delete(key);
                }
                store.delete(String.valueOf(intent.get("manifest")));
                LOG.info("Lake: {} [{}, {}) was written but not committed before a stop; its {} files are removed and"
                        + " the range is written again", tp, from, to, files.size());
                unit.from = from;
            } else {
                unit.from = to;
            }
        }
        unitEnd.remove(tp);
        recovered.add(tp);
    }
}
