package dev.caravan.poll;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import static com.mongodb.client.model.Filters.eq;

/**
 * Poller state in MongoDB, so it survives restarts and every replica sees the same: when each poller last ran and
 * how, the content hash of every record it produced, the pages already fetched (dated lists do not change), and the
 * requests spent per day.
 */
public final class PollerStore {

    private final MongoCollection<Document> state;
    private final MongoCollection<Document> records;
    private final MongoCollection<Document> pages;
    private final MongoCollection<Document> quota;

    public PollerStore(MongoClient client, String database, String prefix) {
        MongoDatabase db = client.getDatabase(database);
        this.state = db.getCollection(prefix + "state");
        this.records = db.getCollection(prefix + "records");
        this.pages = db.getCollection(prefix + "pages");
        this.quota = db.getCollection(prefix + "quota");
    }

    /** The poller's state document ({_id: name, lastRunAt, lastStatus, ...}), or null before its first run. */
    public Document state(String poller) {
        return state.find(eq("_id", poller)).first();
    }

    /** Written before the first request, so a new leader taking over mid-run does not start the same run again. */
    public void runStarted(String poller, Instant at) {
        state.updateOne(eq("_id", poller), Updates.combine(Updates.set("lastRunAt", Date.from(at)),
                Updates.set("lastStatus", "RUNNING")), new UpdateOptions().upsert(true));
    }

    public void runFinished(String poller, PollRun.Summary s) {
        state.updateOne(eq("_id", poller), Updates.combine(
                Updates.set("lastStatus", s.status()),
                Updates.set("lastDurationMs", s.durationMs()),
                Updates.set("lastProduced", s.produced()),
                Updates.set("lastUnchanged", s.unchanged()),
                Updates.set("lastRequests", s.requests()),
                Updates.set("lastError", s.error()),
                Updates.set("lastFinishedAt", new Date()),
                Updates.inc("totalProduced", s.produced())), new UpdateOptions().upsert(true));
    }

    /** The content hash last produced for this record key, or null. */
    public String hash(String poller, String key) {
        Document d = records.find(eq("_id", poller + "|" + key)).first();
        return d == null ? null : d.getString("hash");
    }

    public void rememberHash(String poller, String key, String hash) {
        records.replaceOne(eq("_id", poller + "|" + key),
                new Document("_id", poller + "|" + key).append("hash", hash).append("at", new Date()),
                new ReplaceOptions().upsert(true));
    }

    /** For a page fetched earlier: the cursor of the page after it (empty string: it was the last), else null. */
    public String nextCursor(String poller, String target, String cursor) {
        Document d = pages.find(eq("_id", poller + "|" + target + "|" + cursor)).first();
        return d == null ? null : d.getString("next");
    }

    /** A page of a target fetched from {@code cursor}: {@code next} is the cursor after it ("" for the last page). */
    public record Page(String target, String cursor, String next, int records) {
    }

    public void rememberPage(String poller, Page page) {
        String id = poller + "|" + page.target() + "|" + page.cursor();
        pages.replaceOne(eq("_id", id), new Document("_id", id).append("next", page.next() == null ? "" : page.next())
                .append("records", page.records()).append("at", new Date()), new ReplaceOptions().upsert(true));
    }

    /** Counts one request against today's (UTC) budget; false when the budget is spent (nothing is sent then). */
    public boolean spendRequest(String poller, LocalDate day, int budget) {
        if (budget <= 0) {
            return true;
        }
        Document after = quota.findOneAndUpdate(eq("_id", poller + "|" + day), Updates.inc("requests", 1),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return after != null && after.getInteger("requests", 0) <= budget;
    }

    public int requestsSpent(String poller, LocalDate day) {
        Document d = quota.find(eq("_id", poller + "|" + day)).first();
        return d == null ? 0 : d.getInteger("requests", 0);
    }
}
