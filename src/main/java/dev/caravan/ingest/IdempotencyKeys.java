package dev.caravan.ingest;

import dev.caravan.api.ProblemException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency-Key support: the first answer to a key is kept (in MongoDB, so every replica sees it) for a window, and
 * a repeat gets that answer back without publishing again. A repeat while the first is still running gets 409; the
 * same key with a different body gets 422. A request that fails frees its key, so the client can retry with it.
 */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    /** Exchange property holding the stored answer when the request is a repeat. */
    public static final String REPLAY = "caravanIdempotentReplay";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
    private static final String DONE = "done";
    private static final String PENDING = "pending";

    private final MongoCollection<Document> requests;
    private final Duration window;
    private final Duration pendingFor;
    private final Clock clock;
    private final AtomicReference<Instant> lastSweep = new AtomicReference<>(Instant.EPOCH);
    /** Answers of published requests MongoDB did not take yet (id -> fingerprint and answer), stored again later. */
    private final Map<String, String[]> unstored = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.concurrent.ScheduledExecutorService retrier;

    public IdempotencyKeys(MongoCollection<Document> requests, Duration window, Duration pendingFor, Clock clock) {
        this.requests = requests;
        this.window = window;
        this.pendingFor = pendingFor;
        this.clock = clock;
    }

    /** Called before publishing. Sets {@link #REPLAY} when this key was answered already. */
    public void begin(Exchange exchange) {
        String key = exchange.getMessage().getHeader(HEADER, String.class);
        if (key == null) {
            return;
        }
        if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ProblemException.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        String scope = exchange.getMessage().getHeader("stream", String.class);
        String id = scope + ":" + key;
        String fingerprint = fingerprint(scope, exchange.getMessage().getBody(byte[].class));
        Instant now = clock.instant();
        String[] kept = unstored.get(id);
        if (kept != null) {
            // answered by this process while MongoDB was away: the answer is here until it is stored
            if (!fingerprint.equals(kept[0])) {
                throw new ProblemException(422, "Unprocessable Content", "this Idempotency-Key was used for a "
                        + "different request; use a new key for new records");
            }
            exchange.setProperty(REPLAY, kept[1]);
            return;
        }
        sweep(now);
        try {
            Document seen = requests.find(Filters.eq("_id", id)).first();
            if (seen != null && seen.getDate("expiresAt").toInstant().isBefore(now)) {
                requests.deleteOne(Filters.and(Filters.eq("_id", id), Filters.eq("expiresAt", seen.getDate("expiresAt"))));
                seen = null;
            }
            if (seen != null) {
                if (!fingerprint.equals(seen.getString("fingerprint"))) {
                    throw new ProblemException(422, "Unprocessable Content", "this Idempotency-Key was used for a "
                            + "different request; use a new key for new records");
                }
                if (DONE.equals(seen.getString("state"))) {
                    exchange.setProperty(REPLAY, seen.getString("answer"));
                    return;
                }
                throw inProgress();
            }
            requests.insertOne(new Document("_id", id).append("state", PENDING).append("fingerprint", fingerprint)
                    .append("createdAt", Date.from(now)).append("expiresAt", Date.from(now.plus(pendingFor))));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw inProgress();
            }
            throw unavailable(e);
        } catch (MongoException e) {
            throw unavailable(e);
        }
        exchange.setProperty("caravanIdempotencyId", id);
        exchange.setProperty("caravanIdempotencyFingerprint", fingerprint);
        // whatever happens next, a key whose request did not complete is freed for the client's retry
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (done.getProperty("caravanIdempotencyStored") == null) {
                    release(id);
                }
            }
        });
    }

    /** Called once published: keeps the answer for the window. */
    public void complete(Exchange exchange) {
        String id = exchange.getProperty("caravanIdempotencyId", String.class);
        if (id == null) {
            return;
        }
        String answer = exchange.getMessage().getBody(String.class);
        // published: from here on the key is never released, whatever happens to the answer
        exchange.setProperty("caravanIdempotencyStored", true);
        String fingerprint = exchange.getProperty("caravanIdempotencyFingerprint", String.class);
        if (!store(id, fingerprint, answer)) {
            // the records are published: answer 202; repeats get this answer from here while it is stored again
            unstored.put(id, new String[] {fingerprint, answer});
            retryLater();
        }
    }

    private boolean store(String id, String fingerprint, String answer) {
        try {
            // an upsert: a pending marker that expired meanwhile is written again, done
            requests.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("state", DONE),
                    Updates.set("fingerprint", fingerprint), Updates.set("answer", answer),
                    Updates.set("expiresAt", Date.from(clock.instant().plus(window)))),
                    new com.mongodb.client.model.UpdateOptions().upsert(true));
            return true;
        } catch (MongoException e) {
            LOG.warn("Idempotency-Key {}: its answer could not be stored yet ({}); it is kept and stored again",
                    id, e.getClass().getSimpleName());
            return false;
        }
    }

    /** Every few seconds, the answers MongoDB did not take, until it takes them. */
    private synchronized void retryLater() {
        if (retrier == null) {
            retrier = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "caravan-idempotency-store");
                t.setDaemon(true);
                return t;
            });
            retrier.scheduleWithFixedDelay(() -> unstored.forEach((id, kept) -> {
                if (store(id, kept[0], kept[1])) {
                    unstored.remove(id);
                }
            }), 2, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** How many answers wait to be stored (tests). */
    int unstoredCount() {
        return unstored.size();
    }

    private void release(String id) {
        try {
            requests.deleteOne(Filters.and(Filters.eq("_id", id), Filters.eq("state", PENDING)));
        } catch (MongoException e) {
            LOG.debug("Releasing Idempotency-Key {} failed, it expires on its own: {}", id, e.toString());
        }
    }

    /** Removes expired keys now and then, so the collection does not grow for ever (no TTL index needed). */
    private void sweep(Instant now) {
        Instant last = lastSweep.get();
        if (now.isAfter(last.plus(Duration.ofMinutes(1))) && lastSweep.compareAndSet(last, now)) {
            try {
                requests.deleteMany(Filters.lt("expiresAt", Date.from(now)));
            } catch (MongoException e) {
                LOG.debug("Sweeping expired Idempotency-Keys failed: {}", e.toString());
            }
        }
    }

    private ProblemException inProgress() {
        return new ProblemException(409, "Conflict", "a request with this Idempotency-Key is still being processed; "
                + "retry later", List.of(), Map.of("Retry-After", "1"));
    }

    private static ProblemException unavailable(MongoException e) {
        LOG.warn("Idempotency-Key store unavailable: {}", e.toString());
        return new ProblemException(503, "Service Unavailable", "the Idempotency-Key store is not reachable; retry "
                + "later", List.of(), Map.of("Retry-After", "5"));
    }

    static String fingerprint(String scope, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(scope.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(body == null ? new byte[0] : body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
