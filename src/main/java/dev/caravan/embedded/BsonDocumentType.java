package dev.caravan.embedded;

import java.nio.ByteBuffer;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The embedded MongoDB's documents as BSON in the H2 store. H2's default Java-serializes each document on every write
 * and reads it back the same way on every read: about an eighth of the CPU of ingest with the sinks on.
 */
final class BsonDocumentType extends BasicDataType<Document> {

    static final BsonDocumentType INSTANCE = new BsonDocumentType();

    /** H2 sizes its pages by the memory of their values: the running mean of the encoded sizes stands for it. */
    private volatile int meanBytes = 512;

    private BsonDocumentType() {
    }

    @Override
    public int getMemory(Document document) {
        return meanBytes;
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = Unpooled.buffer(meanBytes + 64);
        try {
            BsonEncoder.encodeDocument(document, bson);
            int length = bson.readableBytes();
            buffer.putVarInt(length).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), length);
            meanBytes = (meanBytes * 15 + length) / 16;
        } finally {
            bson.release();
        }
    }

    @Override
    public Document read(ByteBuffer buffer) {
        int length = DataUtils.readVarInt(buffer);
        ByteBuffer bson = buffer.slice();
        bson.limit(length);
        buffer.position(buffer.position() + length);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }
}
