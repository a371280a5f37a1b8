package dev.caravan.sink.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A lake NDJSON file deflated as several gzip members beside the writer reads back as one stream. */
class GzipMembersTest {

    @TempDir
    Path dir;

    @Test
    void aFileOfSeveralMembersReadsBackWholeAsOneGzipStream() throws Exception {
        try (GzipMembers.Pool pool = new GzipMembers.Pool(1)) {
            GzipMembers file = new GzipMembers(pool);
            byte[] written = lines(file, 40_000);

            byte[] gz = file.finish();

            assertThat(written.length).isGreaterThan(3 * GzipMembers.MEMBER_BYTES);
            assertThat(members(gz)).isEqualTo(written.length / GzipMembers.MEMBER_BYTES + 1);
            assertThat(gunzip(gz)).isEqualTo(written);
            // the fresh dictionary of each member costs next to nothing
            assertThat((double) gz.length).isLessThan(GzipMembers.deflate(written, written.length).length * 1.01);
        }
    }

    @Test
    void duckDbReadsEveryRecordOfAFileOfSeveralMembers() throws Exception {
        try (GzipMembers.Pool pool = new GzipMembers.Pool(1)) {
            GzipMembers file = new GzipMembers(pool);
            lines(file, 40_000);
            Path path = Files.write(dir.resolve("pins+0+00000000000000000000.ndjson.gz"), file.finish());

            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*), max(n) FROM read_json_auto('" + path + "')")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(40_000);
                assertThat(r.getLong(2)).isEqualTo(39_999);
            }
        }
    }

    @Test
    void aSmallFileIsOneMemberAndNoThreadsMeansTheWriterDeflatesItAll() throws Exception {
        GzipMembers file = new GzipMembers(new GzipMembers.Pool(0));
        byte[] written = lines(file, 10);

        byte[] gz = file.finish();

        assertThat(members(gz)).isEqualTo(1);
        assertThat(gunzip(gz)).isEqualTo(written);
        assertThat(file.finish()).as("the same bytes on a second call").isSameAs(gz);
    }

    @Test
    void membersAreDeflatedOnThePoolAndOnTheWritersThreadOnceThePoolIsBusy() throws Exception {
        try (GzipMembers.Pool pool = new GzipMembers.Pool(1)) {
            CountDownLatch release = new CountDownLatch(1);
            Future<byte[]> onPool = pool.submit(() -> {
                release.await();
                return Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8);
            });
            // the queue takes two more; the one after that runs here rather than wait or pile up
            pool.submit(() -> new byte[0]);
            pool.submit(() -> new byte[0]);
            Future<byte[]> overflow = pool.submit(() -> Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8));

            assertThat(overflow.isDone()).isTrue();
            assertThat(new String(overflow.get(), StandardCharsets.UTF_8)).isEqualTo(Thread.currentThread().getName());
            release.countDown();
            assertThat(new String(onPool.get(), StandardCharsets.UTF_8)).startsWith("caravan-lake-gzip-");
        }
    }

    @Test
    @Timeout(30) // a member the pool dropped would make finish() wait for ever
    void aFileStillFinishesWhenItsPoolWasShutDownMeanwhile() throws Exception {
        GzipMembers.Pool pool = new GzipMembers.Pool(1);
        GzipMembers file = new GzipMembers(pool);
        byte[] half = lines(file, 20_000);
        pool.close();
        byte[] rest = lines(file, 20_000);

        byte[] whole = java.util.Arrays.copyOf(half, half.length + rest.length);
        System.arraycopy(rest, 0, whole, half.length, rest.length);
        assertThat(gunzip(file.finish())).isEqualTo(whole);
    }

    /** Writes n JSON lines the way the lake does (line, then its newline) and returns the bytes written. */
    private static byte[] lines(GzipMembers file, int n) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            byte[] line = ("{\"n\":" + i + ",\"title\":\"pin " + i + "\",\"description\":\""
                    + "x".repeat(i % 90) + "\"}").getBytes(StandardCharsets.UTF_8);
            file.write(line);
            file.write('\n');
            all.writeBytes(line);
            all.write('\n');
        }
        return all.toByteArray();
    }

    private static byte[] gunzip(byte[] gz) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** Gzip members in the file, walked header, deflate stream and trailer at a time (Java writes 10-byte headers). */
    private static int members(byte[] gz) throws Exception {
        int count = 0;
        int at = 0;
        byte[] sink = new byte[64 * 1024];
        while (at < gz.length) {
            assertThat(gz[at] & 0xff).isEqualTo(0x1f);
            assertThat(gz[at + 1] & 0xff).isEqualTo(0x8b);
            Inflater inflater = new Inflater(true);
            inflater.setInput(gz, at + 10, gz.length - at - 10);
            while (!inflater.finished()) {
                inflater.inflate(sink);
            }
            at = gz.length - inflater.getRemaining() + 8;
            inflater.end();
            count++;
        }
        return count;
    }
}
