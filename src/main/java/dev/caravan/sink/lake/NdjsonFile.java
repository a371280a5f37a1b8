package dev.caravan.sink.lake;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Newline-delimited JSON, gzip-compressed as it is written (memory holds the compressed bytes). */
final class NdjsonFile extends LakeFile {

    static final String FORMAT = "ndjson.gz";

    private final String schema;
    private final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    private final GZIPOutputStream gzip;
    private final BufferedOutputStream out;
    private byte[] finished;

    NdjsonFile(String key, String zone, long firstOffset, String schema) {
        super(key, zone, firstOffset);
        this.schema = schema;
        try {
            this.gzip = new GZIPOutputStream(compressed, 64 * 1024);
            // small writes gather here, so deflate runs on large chunks rather than once per piece of a line
            this.out = new BufferedOutputStream(gzip, 64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void append(long offset, byte[] line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counted(offset, line.length + 1L);
    }

    /** A line in parts: head, middle, then the value and its closing brace (value null: the middle closes it). */
    void appendRaw(long offset, byte[] head, byte[] middle, byte[] value) {
        try {
            out.write(head);
            out.write(middle);
            if (value != null) {
                out.write(value);
                out.write('}');
            }
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        counted(offset, head.length + middle.length + (value == null ? 1L : value.length + 2L));
    }

    @Override
    byte[] bytes() {
        if (finished == null) {
            try {
                out.flush();
                gzip.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finished = compressed.toByteArray();
        }
        return finished;
    }

    @Override
    String format() {
        return FORMAT;
    }

    @Override
    String schema() {
        return schema;
    }
}
