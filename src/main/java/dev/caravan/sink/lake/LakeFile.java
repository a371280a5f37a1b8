package dev.caravan.sink.lake;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import dev.caravan.support.OrderedMap;

/**
 * One lake file being filled (NDJSON.gz, Avro or Parquet), with what its manifest entry needs: first and last offset, record
 * count, sizes, checksum, format and schema.
 */
abstract class LakeFile {

    private final String key;
    private final String zone;
    private final long firstOffset;
    private long lastOffset;
    private int records;
    private long rawBytes;

    LakeFile(String key, String zone, long firstOffset) {
        this.key = key;
        this.zone = zone;
        this.firstOffset = firstOffset;
        this.lastOffset = firstOffset;
    }

    /** The complete file; it takes no more records after this. */
    abstract byte[] bytes();

    abstract String format();

    /** The schema its manifest entry names. */
    abstract String schema();

    final void counted(long offset, long size) {
        lastOffset = offset;
        records++;
        rawBytes += size;
    }

    final String key() {
        return key;
    }

    /** Its entry in the file set's manifest: where it is, what it holds, how to check it. */
    final Map<String, Object> manifestEntry(String topic, int partition) {
        byte[] bytes = bytes();
        return OrderedMap.of("key", key, "zone", zone, "format", format(), "topic", topic, "partition", partition,
                "firstOffset", firstOffset, "lastOffset", lastOffset, "records", records, "bytes", bytes.length,
                "uncompressedBytes", rawBytes, "sha256", sha256(bytes), "schema", schema());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
