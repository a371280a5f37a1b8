package dev.caravan.sink.lake;

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
    private byte[] finished;

    NdjsonFile(String key, String zone, long firstOffset, String schema) {
        super(key, zone, firstOffset);
        this.schema = schema;
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
        counted(offset, line.length + 1L);
    }

    @Override
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

    @Override
    String format() {
        return FORMAT;
    }

    @Override
    String schema() {
        return schema;
    }
}
