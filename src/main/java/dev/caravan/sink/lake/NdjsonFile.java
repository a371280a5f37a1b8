package dev.caravan.sink.lake;

/** Newline-delimited JSON, gzip-compressed as it is written (memory holds compressed members and one raw member). */
final class NdjsonFile extends LakeFile {

    static final String FORMAT = "ndjson.gz";

    private final String schema;
    private final GzipMembers out;

    NdjsonFile(String key, String zone, long firstOffset, GzipMembers.Pool gzip, String schema) {
        super(key, zone, firstOffset);
        this.schema = schema;
        this.out = new GzipMembers(gzip);
    }

    void append(long offset, byte[] line) {
        out.write(line);
        out.write('\n');
        counted(offset, line.length + 1L);
    }

    /** A line in parts: head, middle, then the value and its closing brace (value null: the middle closes it). */
    void appendRaw(long offset, byte[] head, byte[] middle, byte[] value) {
        out.write(head);
        out.write(middle);
        if (value != null) {
            out.write(value);
            out.write('}');
        }
        out.write('\n');
        counted(offset, head.length + middle.length + (value == null ? 1L : value.length + 2L));
    }

    @Override
    byte[] bytes() {
        return out.finish();
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
