package dev.caravan.sink.lake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Test helper: a topic's clean zone read back whatever the format, each record with _topic, _partition, _offset. */
public record LakeReader(LakeStore store, LakeKeys keys) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public List<Map<String, Object>> clean(String topic) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String key : store.list(keys.zonePrefix("clean", topic))) {
            if (key.endsWith(".ndjson.gz")) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(store.get(key)))) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            out.add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() { }));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + key, e);
                }
            } else if (key.endsWith(".parquet")) {
                ParquetFiles.read(store.get(key)).records().forEach(r -> out.add(RowTypes.toMap(r)));
            } else if (key.endsWith(".avro")) {
                try (DataFileStream<GenericRecord> in = new DataFileStream<>(new ByteArrayInputStream(store.get(key)),
                        new GenericDatumReader<>())) {
                    in.forEach(r -> out.add(RowTypes.toMap(r)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + key, e);
                }
            }
        }
        return out;
    }
}
