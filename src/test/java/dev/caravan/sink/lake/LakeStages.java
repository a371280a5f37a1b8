package dev.caravan.sink.lake;

import java.io.IOException;
import java.util.List;

import org.apache.camel.Exchange;

/** The lake routes' stages in their order, for tests that drive a writer without Camel. */
final class LakeStages {

    private LakeStages() {
    }

    /** routes/sink/streams-to-lake: buffer, land, commit. */
    static void consume(LakeWriter writer, List<Exchange> batch) throws IOException {
        writer.buffer(batch);
        writer.land();
        writer.commit();
    }

    /** routes/sink/lake-rotation: cut the old units and land them; returns how many were written. */
    static int rotate(LakeWriter writer) {
        writer.cutExpired();
        return writer.landOnTimer();
    }
}
