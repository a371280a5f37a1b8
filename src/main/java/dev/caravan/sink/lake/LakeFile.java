package dev.caravan.sink.lake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * One lake file being filled: newline-delimited JSON, gzip-compressed as it is written (memory holds the compressed
 * bytes), with the first and last offset, record count and sizes its manifest entry needs.
 */
final class LakeFile {

    private final String key;
    private final String zone;
    private final long firstOffset;
    private final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    private final GZIPOutputStream gzip;
    private long lastOffset;
    private int records;
    private long rawBytes;
    private byte[] finished;

    LakeFile(String key, String zone, long firstOffset) {
        this.key = key;
        this.zone = zone;
        this.firstOffset = firstOffset;
        this.lastOffset = firstOffset;
        try {
            this.gzip = new GZIPOutputStream(compressed, 64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void append(long offset, byte[] line) {
        try {
            gzip.write(line);
            gzip.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastOffset = offset;
        records++;
        rawBytes += line.length + 1;
    }

    /** The complete gzip member; the file takes no more records after this. */
    byte[] bytes() {
        if (finished == null) {
            try {
                gzip.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finished = compressed.toByteArray();
        }
        return finished;
    }

    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String key() {
        return key;
    }

    String zone() {
        return zone;
    }

    long firstOffset() {
        return firstOffset;
    }

    long lastOffset() {
        return lastOffset;
    }

    int records() {
        return records;
    }

    long rawBytes() {
        return rawBytes;
    }
}
