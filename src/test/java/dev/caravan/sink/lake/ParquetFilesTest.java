package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Clean-zone rows as Parquet and back, without Hadoop: typed columns (numbers, booleans, text, timestamps, nested
 * records, lists with null items, mixed kinds as JSON text), in each shipped codec.
 */
class ParquetFilesTest {

    private static final Instant AT = Instant.parse("2020-08-28T03:52:47Z");

    private static List<Map<String, Object>> rows() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("_topic", "caravan.geo");
        a.put("_offset", 7L);
        a.put("ind", 7528L);
        a.put("country", "Albania");
        a.put("timestamp", Date.from(AT));
        a.put("coordinates", Map.of("type", "Point", "coordinates", List.of(-173.293, -89.9787)));
        a.put("tags", Arrays.asList("a", null, "b"));
        a.put("ok", true);
        a.put("mixed", 1L);
        Map<String, Object> b = new LinkedHashMap<>(a);
        b.put("_offset", 8L);
        b.put("country", null);
        b.put("mixed", "one");
        return List.of(a, b);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"ZSTD", "SNAPPY", "UNCOMPRESSED"})
    void rowsComeBackTypedInEveryShippedCodec(CompressionCodecName codec) {
        RowTypes.Typed typed = RowTypes.typed("caravan_geo", rows());
        byte[] file = ParquetFiles.write(typed.schema(), typed.records(), codec);

        assertThat(new String(file, 0, 4)).isEqualTo("PAR1");
        assertThat(ParquetFiles.codecOf(file)).isEqualTo(codec);
        AvroFiles.Read read = ParquetFiles.read(file);
        List<Map<String, Object>> back = new ArrayList<>();
        read.records().forEach(r -> back.add(RowTypes.toMap(r)));
        assertThat(back).hasSize(2);
        Map<String, Object> first = back.get(0);
        assertThat(first).containsEntry("ind", 7528L).containsEntry("country", "Albania").containsEntry("ok", true)
                .containsEntry("timestamp", "2020-08-28T03:52:47Z").containsEntry("tags", Arrays.asList("a", null, "b"));
        @SuppressWarnings("unchecked")
        Map<String, Object> point = (Map<String, Object>) first.get("coordinates");
        assertThat(point).containsEntry("type", "Point").containsEntry("coordinates", List.of(-173.293, -89.9787));
        assertThat(back.get(1).get("country")).isNull();
        assertThat(back).extracting(r -> r.get("mixed")).as("kinds that disagree: JSON text").containsExactly("1", "one");
        Schema timestamp = read.schema().getField("timestamp").schema().getTypes().get(1);
        assertThat(timestamp.getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
        assertThat(RowTypes.toTypedMap(read.records().get(0)).get("timestamp")).isEqualTo(Date.from(AT));
    }

    @Test
    void aCodecSettingThatIsNotShippedIsRefused() {
        assertThat(ParquetFiles.codec("Snappy")).isEqualTo(CompressionCodecName.SNAPPY);
        assertThat(ParquetFiles.codec("none")).isEqualTo(CompressionCodecName.UNCOMPRESSED);
        assertThatThrownBy(() -> ParquetFiles.codec("lzo")).hasMessageContaining("zstd, snappy or none");
    }

    @Test
    void writingAndReadingNeedNoHadoopClass() throws Exception {
        // hadoop-client-api is provided scope (javac needs it, the jar has none of it): this class path leaves it out
        List<java.net.URL> withoutHadoop = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.replace('\\', '/').contains("/org/apache/hadoop/")) {
                withoutHadoop.add(java.nio.file.Path.of(entry).toUri().toURL());
            }
        }
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(withoutHadoop.toArray(new java.net.URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("org.apache.hadoop.conf.Configuration"))
                    .isInstanceOf(ClassNotFoundException.class);
            java.lang.reflect.Method roundTrip = loader.loadClass(ParquetFilesTest.class.getName())
                    .getDeclaredMethod("roundTrip");
            roundTrip.setAccessible(true);
            Object records = roundTrip.invoke(null);
            assertThat(records).isEqualTo(2);
        }
    }

    /** Writes and reads the rows back (run in a class loader without Hadoop). */
    static int roundTrip() {
        RowTypes.Typed typed = RowTypes.typed("t", rows());
        byte[] file = ParquetFiles.write(typed.schema(), typed.records(), CompressionCodecName.SNAPPY);
        ParquetFiles.codecOf(file);
        return ParquetFiles.read(file).records().size();
    }
}
