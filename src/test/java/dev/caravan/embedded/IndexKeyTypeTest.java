package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

/** The embedded MongoDB's index keys: written compactly, read back equal, ordered consistently with equals. */
class IndexKeyTypeTest {

    private static final IndexKeyType TYPE = IndexKeyType.INSTANCE;

    private static List<KeyValue> keys() {
        List<KeyValue> keys = new ArrayList<>(List.of(
                new KeyValue("a1b2c3"), new KeyValue("é ünïcode ✓"), new KeyValue(""),
                new KeyValue(1), new KeyValue(-1), new KeyValue(Integer.MIN_VALUE), new KeyValue(1L),
                new KeyValue(Long.MAX_VALUE), new KeyValue(-5L), new KeyValue(1.0), new KeyValue(-0.0), new KeyValue(0.0),
                new KeyValue(Double.NaN), new KeyValue(true), new KeyValue(false),
                new KeyValue(new ObjectId("65f1a2b3c4d5e6f708192a3b")), new KeyValue(new ObjectId("65f1a2b3c4d5e6f708192a3c")),
                new KeyValue(new Date(1_700_000_000_000L)), new KeyValue(new Document("n", 1)),
                new KeyValue(42, "2024-01-01"), new KeyValue(42, "2024-01-02"), new KeyValue("x", 42)));
        keys.add(new KeyValue(Arrays.asList((Object) null)));
        keys.add(new KeyValue(Arrays.asList(7, null)));
        return keys;
    }

    @Test
    void everyKeyReadsBackEqualWithItsValueTypes() {
        for (KeyValue key : keys()) {
            WriteBuffer buffer = new WriteBuffer();
            TYPE.write(buffer, key);
            TYPE.write(buffer, key); // two in a row: each read stops where its key ends
            ByteBuffer bytes = buffer.getBuffer();
            bytes.flip();
            for (int i = 0; i < 2; i++) {
                Object read = TYPE.read(bytes);
                assertThat(read).as("%s", key).isEqualTo(key);
                for (int v = 0; v < key.size(); v++) {
                    Object value = ((KeyValue) read).get(v);
                    assertThat(value == null ? null : value.getClass()).as("%s", key)
                            .isEqualTo(key.get(v) == null ? null : key.get(v).getClass());
                }
            }
            assertThat(bytes.remaining()).isZero();
        }
    }

    @Test
    void aStringKeyTakesFarFewerBytesThanJavaSerialization() {
        WriteBuffer buffer = new WriteBuffer();
        TYPE.write(buffer, new KeyValue("c3a1e7f0-5b8a-4d6e-9f21-0a9b8c7d6e5f"));
        assertThat(buffer.position()).isEqualTo(1 + 1 + 1 + 36);
    }

    @Test
    void comparesZeroExactlyForEqualKeys() {
        List<KeyValue> keys = keys();
        for (KeyValue a : keys) {
            for (KeyValue b : keys) {
                KeyValue copy = new KeyValue(new ArrayList<>(b.stream().toList()));
                assertThat(TYPE.compare(a, copy) == 0).as("%s vs %s", a, b).isEqualTo(a.equals(b));
                assertThat(Integer.signum(TYPE.compare(a, b))).as("%s vs %s", a, b)
                        .isEqualTo(-Integer.signum(TYPE.compare(b, a)));
            }
        }
    }

    @Test
    void theOrderIsTransitive() {
        List<KeyValue> sorted = new ArrayList<>(keys());
        sorted.sort(TYPE::compare);
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                assertThat(TYPE.compare(sorted.get(i), sorted.get(j))).as("%s < %s", sorted.get(i), sorted.get(j))
                        .isLessThan(0);
            }
        }
    }
}
