package dev.caravan.sink.lake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A gzip file written as members of up to {@link #MEMBER_BYTES} uncompressed bytes each, deflated on a pool beside the
 * writing thread: deflate was half of the lake consumer thread's time, and a second core can take it. The file is the
 * members in order, which every gzip reader takes as one stream (RFC 1952 2.2: a file is a series of members).
 * Not thread-safe: one writer at a time, as a unit's files are.
 */
final class GzipMembers {

    /** Large enough that a member's fresh dictionary costs well under 1 % of the ratio, small enough to overlap. */
    static final int MEMBER_BYTES = 1 << 20;

    private final Pool pool;
    private final List<Future<byte[]>> members = new ArrayList<>();
    private byte[] chunk = new byte[64 * 1024];
    private int used;
    private byte[] finished;

    GzipMembers(Pool pool) {
        this.pool = pool;
    }

    void write(byte[] b) {
        write(b, 0, b.length);
    }

    void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (used == MEMBER_BYTES) {
                seal();
            }
            if (used == chunk.length) {
                chunk = java.util.Arrays.copyOf(chunk, Math.min(MEMBER_BYTES, chunk.length * 2));
            }
            int n = Math.min(len, chunk.length - used);
            System.arraycopy(b, off, chunk, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    void write(int b) {
        if (used == chunk.length) {
            write(new byte[] {(byte) b});
        } else {
            chunk[used++] = (byte) b;
        }
    }

    /** The whole file; the last member is deflated here, and the writer takes nothing after. */
    byte[] finish() {
        if (finished == null) {
            byte[] last = deflate(chunk, used);
            chunk = null;
            ByteArrayOutputStream file = new ByteArrayOutputStream(last.length * (members.size() + 1));
            try {
                for (Future<byte[]> member : members) {
                    file.write(member.get());
                }
                file.write(last);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a lake file was compressed", e);
            } catch (ExecutionException | IOException e) {
                throw new IllegalStateException("a lake file could not be compressed", e);
            }
            members.clear();
            finished = file.toByteArray();
        }
        return finished;
    }

    /** Hands the full chunk to the pool (or deflates it here when the pool is busy) and starts the next one. */
    private void seal() {
        byte[] full = chunk;
        int length = used;
        members.add(pool.submit(() -> deflate(full, length)));
        // a file that filled one member is a large one: the next starts at full size instead of growing again
        chunk = new byte[MEMBER_BYTES];
        used = 0;
    }

    static byte[] deflate(byte[] data, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
            gzip.write(data, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The threads that deflate members. A full queue runs the member on the writer's own thread, so a busy pool slows
     * the writer down to today's pace instead of holding ever more chunks in memory; 0 threads deflate everything on
     * the writer's thread.
     */
    static final class Pool implements AutoCloseable {

        private final ExecutorService executor;

        Pool(int threads) {
            if (threads <= 0) {
                executor = null;
                return;
            }
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(threads * 2), task -> {
                        Thread t = new Thread(task, "caravan-lake-gzip-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, (task, full) -> task.run()); // unlike CallerRunsPolicy, also once shut down: no member is lost
            // idle threads go away, so a quiet lake holds none
            pool.allowCoreThreadTimeOut(true);
            executor = pool;
        }

        Future<byte[]> submit(java.util.concurrent.Callable<byte[]> work) {
            if (executor == null) {
                FutureTask<byte[]> here = new FutureTask<>(work);
                here.run();
                return here;
            }
            return executor.submit(work);
        }

        @Override
        public void close() {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }
}
