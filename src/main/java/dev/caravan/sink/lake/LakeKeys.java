package dev.caravan.sink.lake;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Object keys of the lake: Hive-style partitions by day and hour, and a name made of topic, partition and offset, so
 * writing the same record again yields the same key (a redelivery overwrites, it never duplicates).
 */
public final class LakeKeys {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);
    private static final long HOUR_MILLIS = 3_600_000L;
    private static volatile Bucket lastBucket;

    private record Bucket(long hour, String name) {
    }

    private final String prefix;

    public LakeKeys(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.prefix = p;
    }

    /** {prefix}/{zone}/{topic}/dt=YYYY-MM-DD/hour=HH/{topic}+{partition}+{offset, 20 digits}.{ext} */
    public String key(String zone, String topic, int partition, long offset, long timestampMillis, String ext) {
        Instant at = Instant.ofEpochMilli(timestampMillis);
        String name = "%s+%d+%020d.%s".formatted(topic, partition, offset, ext);
        String path = "%s/%s/dt=%s/hour=%s/%s".formatted(zone, topic, DAY.format(at), HOUR.format(at), name);
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    /** The hour bucket of a time, dt=YYYY-MM-DD/hour=HH: files of one unit are split by it. */
    public static String bucket(long timestampMillis) {
        long hour = Math.floorDiv(timestampMillis, HOUR_MILLIS);
        Bucket last = lastBucket;
        if (last != null && last.hour == hour) {
            return last.name;
        }
        Instant at = Instant.ofEpochMilli(timestampMillis);
        String name = "dt=" + DAY.format(at) + "/hour=" + HOUR.format(at);
        // records mostly come in time order: the last hour's name serves nearly every call without formatting
        lastBucket = new Bucket(hour, name);
        return name;
    }


    /** {prefix}/_manifests/{topic}/ */
    public String manifests(String topic) {
        return withPrefix("_manifests/" + topic + "/");
    }

    /** The manifest of the unit of a partition starting at {@code from}. */
    public String manifest(String topic, int partition, long from) {
        return withPrefix("_manifests/%s/%d/%020d.json".formatted(topic, partition, from));
    }

    /** The intent of the partition's last unit (written before its files). */
    public String pending(String topic, int partition) {
        return withPrefix("_manifests/%s/%d/_pending.json".formatted(topic, partition));
    }

    /** {prefix}/{zone}/{topic}/ */
    public String zonePrefix(String zone, String topic) {
        return withPrefix(zone + "/" + topic + "/");
    }

    /** A merged file: named for the first offsets of its first and last inputs. */
    public String compacted(String zone, String topic, int partition, String day, String hour, long first, long lastFirst,
            String ext) {
        return withPrefix("%s/%s/dt=%s/hour=%s/%s+%d+%020d-%020dc.%s".formatted(zone, topic, day, hour, topic,
                partition, first, lastFirst, ext));
    }

    /** The manifest entry of the merged file of one partition, zone, day and hour. */
    public String compactionManifest(String topic, int partition, String zone, String day, String hour) {
        return withPrefix("_manifests/%s/%d/compacted/%s-%s-%s.json".formatted(topic, partition, zone, day, hour));
    }

    /** The intent of a compaction in progress for a partition. */
    public String compactionPending(String topic, int partition) {
        return withPrefix("_manifests/%s/%d/compacted/_pending.json".formatted(topic, partition));
    }

    private String withPrefix(String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    /** The raw-zone key of one Kafka record stored as one JSON object. */
    public String rawJson(String topic, Integer partition, Long offset, Long timestampMillis) {
        return key("raw", topic, partition, offset, timestampMillis, "json");
    }
}
