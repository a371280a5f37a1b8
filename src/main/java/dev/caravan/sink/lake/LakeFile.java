package dev.caravan.sink.lake;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

    final String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    final String key() {
        return key;
    }

    final String zone() {
        return zone;
    }

    final long firstOffset() {
        return firstOffset;
    }

    final long lastOffset() {
        return lastOffset;
    }

    final int records() {
        return records;
    }

    final long rawBytes() {
        return rawBytes;
    }
}
