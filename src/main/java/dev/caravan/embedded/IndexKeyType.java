package dev.caravan.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

/**
 * H2 key type of the embedded MongoDB's unique indexes. H2's default type compares a {@link KeyValue} (which is not
 * Comparable) by Java-serializing both sides at every step of a B-tree search, which was half of the embedded server's
 * CPU. This one compares the common key values (strings, numbers, booleans, ObjectIds, null) directly and writes them
 * in a few bytes; any other value falls back to Java serialization for both its bytes and its order.
 * <p>
 * The order only has to be total and agree with {@link KeyValue#equals}: indexes answer equality look-ups, and range
 * queries scan them. It is not the serialized-bytes order of H2's type, so an index written with that type is rebuilt
 * once before this type reads it (see {@link DurableH2Backend}).
 */
final class IndexKeyType extends ValueType {

    static final IndexKeyType INSTANCE = new IndexKeyType();

    // tags: also the order between values of different types at one position of a key
    private static final byte NULL = 0;
    private static final byte FALSE = 1;
    private static final byte TRUE = 2;
    private static final byte INT = 3;
    private static final byte LONG = 4;
    private static final byte DOUBLE = 5;
    private static final byte STRING = 6;
    private static final byte OBJECT_ID = 7;
    private static final byte SERIALIZED = 8;

    private IndexKeyType() {
    }

    @Override
    public int compare(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        KeyValue x = (KeyValue) a; // H2KeyIndex's maps hold nothing else
        KeyValue y = (KeyValue) b;
        int sizes = Integer.compare(x.size(), y.size());
        if (sizes != 0) {
            return sizes;
        }
        for (int i = 0; i < x.size(); i++) {
            int c = compareValues(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    static int compareValues(Object a, Object b) {
        byte ta = tag(a);
        byte tb = tag(b);
        if (ta != tb) {
            return Byte.compare(ta, tb);
        }
        return switch (ta) {
            case NULL, FALSE, TRUE -> 0;
            case INT -> Integer.compare((Integer) a, (Integer) b);
            case LONG -> Long.compare((Long) a, (Long) b);
            case DOUBLE -> Double.compare((Double) a, (Double) b);
            case STRING -> ((String) a).compareTo((String) b);
            case OBJECT_ID -> ((ObjectId) a).compareTo((ObjectId) b);
            default -> ObjectDataType.compareNotNull(ObjectDataType.serialize(a), ObjectDataType.serialize(b));
        };
    }

    private static byte tag(Object v) {
        if (v == null) {
            return NULL;
        }
        // exact classes only: a subclass may carry state that the compact form would drop
        Class<?> c = v.getClass();
        if (c == String.class) {
            return STRING;
        }
        if (c == Double.class) {
            return DOUBLE;
        }
        if (c == Long.class) {
            return LONG;
        }
        if (c == Integer.class) {
            return INT;
        }
        if (c == Boolean.class) {
            return (Boolean) v ? TRUE : FALSE;
        }
        if (c == ObjectId.class) {
            return OBJECT_ID;
        }
        return SERIALIZED;
    }

    @Override
    public int getMemory(Object key) {
        int memory = 48;
        for (Object v : (KeyValue) key) {
            memory += v instanceof String s ? 48 + 2 * s.length() : 32;
        }
        return memory;
    }

    @Override
    public void write(WriteBuffer buff, Object key) {
        KeyValue k = (KeyValue) key;
        buff.putVarInt(k.size());
        for (Object v : k) {
            writeValue(buff, v);
        }
    }

    static void writeValue(WriteBuffer buff, Object v) {
        byte tag = tag(v);
        buff.put(tag);
        switch (tag) {
            case INT -> buff.putVarInt((Integer) v);
            case LONG -> buff.putVarLong((Long) v);
            case DOUBLE -> buff.putLong(Double.doubleToRawLongBits((Double) v));
            case STRING -> {
                byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
                buff.putVarInt(utf8.length).put(utf8);
            }
            case OBJECT_ID -> buff.put(((ObjectId) v).toByteArray());
            case SERIALIZED -> {
                byte[] bytes = ObjectDataType.serialize(v);
                buff.putVarInt(bytes.length).put(bytes);
            }
            default -> {
                // NULL, FALSE, TRUE: the tag is the value
            }
        }
    }

    @Override
    public Object read(ByteBuffer buff) {
        int size = DataUtils.readVarInt(buff);
        List<Object> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(readValue(buff));
        }
        return new KeyValue(values);
    }

    static Object readValue(ByteBuffer buff) {
        byte tag = buff.get();
        return switch (tag) {
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case INT -> DataUtils.readVarInt(buff);
            case LONG -> DataUtils.readVarLong(buff);
            case DOUBLE -> Double.longBitsToDouble(buff.getLong());
            case STRING -> new String(bytes(buff, DataUtils.readVarInt(buff)), StandardCharsets.UTF_8);
            case OBJECT_ID -> new ObjectId(bytes(buff, 12));
            case SERIALIZED -> ObjectDataType.deserialize(bytes(buff, DataUtils.readVarInt(buff)));
            default -> throw new IllegalStateException("unknown index value tag " + tag);
        };
    }

    private static byte[] bytes(ByteBuffer buff, int length) {
        byte[] bytes = new byte[length];
        buff.get(bytes);
        return bytes;
    }

    /**
     * H2 value type of the same indexes: a document's position (its _id value) in the same compact form, instead of a
     * Java-serialized object rewritten with every page the commit after each write touches.
     */
    static final class Positions extends ValueType {

        static final Positions INSTANCE = new Positions();

        private Positions() {
        }

        @Override
        public int compare(Object a, Object b) {
            return a == b ? 0 : compareValues(a, b);
        }

        @Override
        public int getMemory(Object position) {
            return position instanceof String s ? 48 + 2 * s.length() : 32;
        }

        @Override
        public void write(WriteBuffer buff, Object position) {
            writeValue(buff, position);
        }

        @Override
        public Object read(ByteBuffer buff) {
            return readValue(buff);
        }
    }
}
