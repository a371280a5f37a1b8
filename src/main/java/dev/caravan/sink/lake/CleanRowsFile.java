package dev.caravan.sink.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.avro.Schema;

/**
 * A clean-zone file in a typed format (Avro, Parquet): its rows are kept until the file set is written, then typed
 * under the schema derived from all of them ({@link AvroFiles#typed}) and encoded once.
 */
final class CleanRowsFile extends LakeFile {

    private final String format;
    private final String recordName;
    private final Function<RowTypes.Typed, byte[]> encoder;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private Schema schema;
    private byte[] finished;

    CleanRowsFile(String key, String topic, long firstOffset, String format, Function<RowTypes.Typed, byte[]> encoder) {
        super(key, "clean", firstOffset);
        this.format = format;
        this.recordName = RowTypes.name(topic);
        this.encoder = encoder;
    }

    void append(long offset, Map<String, Object> row, long size) {
        rows.add(row);
        counted(offset, size);
    }

    @Override
    byte[] bytes() {
        if (finished == null) {
            RowTypes.Typed typed = RowTypes.typed(recordName, rows);
            finished = encoder.apply(typed);
            schema = typed.schema();
            rows.clear();
        }
        return finished;
    }

    @Override
    String format() {
        return format;
    }

    @Override
    String schema() {
        bytes();
        return schema.toString();
    }
}
