package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Path;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read keeps the store's version it started on, however many commits and compactions happen meanwhile: the store
 * may not free that version's chunks until the read ends (a metric's pipeline over a million posts, 80 s, outlived
 * the 45 s the store otherwise keeps them and failed with "Chunk ... not found").
 */
class LongReadTest {

    @TempDir
    Path dir;

    @Test
    void theVersionAReadStartedOnIsKeptUntilItEnds() throws Exception {
        MVStore store = new MVStore.Builder().fileName(dir.resolve("m.mv.db").toString()).open();
        DurableH2Backend backend = new DurableH2Backend(store);
        MVMap<Integer, String> map = store.openMap("m");
        long started = store.getCurrentVersion();

        long keptDuringTheRead = backend.atOneVersion(() -> {
            for (int i = 0; i < 50; i++) { // the writes and compactions of an 80 s read
                map.put(i, "x".repeat(100));
                store.commit();
                store.compact(100, Integer.MAX_VALUE);
            }
            return oldestVersionToKeep(store);
        });

        assertThat(keptDuringTheRead).isLessThanOrEqualTo(started);
        assertThat(oldestVersionToKeep(store)).as("released when the read ends").isGreaterThan(started);
        backend.close();
    }

    private static long oldestVersionToKeep(MVStore store) {
        try {
            Method m = MVStore.class.getDeclaredMethod("getOldestVersionToKeep");
            m.setAccessible(true);
            return (long) m.invoke(store);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
