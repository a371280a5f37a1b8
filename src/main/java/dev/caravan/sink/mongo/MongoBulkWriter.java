package dev.caravan.sink.mongo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch as one unordered bulkWrite of upserts per collection, keyed by business key. MongoDB refusing a
 * record for its data makes a dead letter; MongoDB not answering fails the whole batch with
 * {@link MongoUnavailableException}, which the route retries with backoff before any offset is committed.
 */
public final class MongoBulkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(MongoBulkWriter.class);
    private static final int DUPLICATE_KEY = 11000;

    private final MongoClient client;
    private final String database;
    private final Set<CollectionSpec> indexed = ConcurrentHashMap.newKeySet();
    private final CollectionWrites writes;
    private volatile boolean readFirst = true;
    private volatile dev.caravan.support.Meters meters;

    public MongoBulkWriter(MongoClient client, String database) {
        this(client, database, new CollectionWrites());
    }

    public MongoBulkWriter(MongoClient client, String database, CollectionWrites writes) {
        this.client = client;
        this.database = database;
        this.writes = writes;
    }

    /** Counts the documents each batch writes in caravan_sink_writes_total{collection}. */
    /**
     * True (the default): a batch's stored keys are read first, so absent keys are inserted and stale versions
     * dropped before the write; false: every write is an upsert, guarded in its filter, with no read.
     */
    public MongoBulkWriter readingFirst(boolean readFirst) {
        this.readFirst = readFirst;
        return this;
    }

    public MongoBulkWriter countingIn(dev.caravan.support.Meters meters) {
        this.meters = meters;
        return this;
    }

    public SinkBatch write(SinkBatch batch) {
        batch.startWriteAttempt();
        // checked at every attempt: a rebalance while an outage is retried may have moved partitions elsewhere
        batch.retainOwned();
        // one write per key: the newest by the guard field, else the last (a key maps to one partition, so batch
        // order is offset order per key)
        Map<String, LinkedHashMap<Document, PendingWrite>> byCollection = new LinkedHashMap<>();
        for (PendingWrite w : batch.writes()) {
            LinkedHashMap<Document, PendingWrite> writes =
                    byCollection.computeIfAbsent(w.collection().name(), c -> new LinkedHashMap<>());
            PendingWrite earlier = writes.get(w.filter());
            if (earlier != null && w.collection().mode() == CollectionSpec.Mode.MERGE && !w.collection().guarded()) {
                // two $set of one key in a batch are their union, the later value winning (a joined post's parts)
                Document merged = new Document(earlier.document());
                merged.putAll(w.document());
                writes.remove(w.filter());
                writes.put(w.filter(), new PendingWrite(w.collection(), w.filter(), merged, w.source()));
            } else if (earlier == null || !olderThan(w, earlier)) {
                writes.remove(w.filter());
                writes.put(w.filter(), w);
            }
        }
        for (Map.Entry<String, LinkedHashMap<Document, PendingWrite>> e : byCollection.entrySet()) {
            List<PendingWrite> writes = new ArrayList<>(e.getValue().values());
            ensureIndexes(writes.get(0).collection());
            java.util.Set<Document> absent = new java.util.HashSet<>();
            if (readFirst) {
                writes = plan(batch, e.getKey(), writes, absent);
            }
            if (writes.isEmpty()) {
                continue;
            }
            List<PendingWrite> raced = bulk(batch, e.getKey(), writes, absent);
            int failed = 0;
            if (!raced.isEmpty()) {
                // another writer inserted the same key between our read and write: an upsert finds it now
                List<PendingWrite> again = bulk(batch, e.getKey(), raced, java.util.Set.of());
                for (PendingWrite w : again) {
                    batch.addWriteFailure(new DeadLetter(w.source(), "write", MongoBulkWriteException.class.getName(),
                            "duplicate key after retry: " + w.filter().toJson()));
                }
                failed = again.size();
            }
            if (meters != null) {
                meters.count("caravan.sink.writes", writes.size() - failed, "collection", e.getKey());
            }
        }
        return batch;
    }

    /**
     * For a collection with a single-field key, reads which of the batch's keys are stored (one indexed $in query):
     * absent keys are collected in {@code absent} (inserted, not upserted), and for a guarded collection the writes that
     * are not newer than the stored version are dropped, so no write needs a conditional filter (which the embedded
     * server answers by scanning the collection). A write racing this read (two consumers of one partition during a
     * rebalance) can still win; compound keys keep upserts and the conditional filter.
     */
    private List<PendingWrite> plan(SinkBatch batch, String collectionName, List<PendingWrite> writes,
            java.util.Set<Document> absent) {
        CollectionSpec spec = writes.get(0).collection();
        if (spec.keyFields().size() != 1) {
            return writes;
        }
        String keyField = spec.keyFields().get(0);
        List<Object> keys = new ArrayList<>(writes.size());
        for (PendingWrite w : writes) {
            keys.add(w.filter().get(keyField));
        }
        Map<Object, Object> stored = new java.util.HashMap<>();
        try {
            for (Document d : client.getDatabase(database).getCollection(collectionName)
                    .find(Filters.in(keyField, keys))
                    .projection(spec.guarded() ? Projections.include(keyField, spec.newerField())
                            : Projections.include(keyField))) {
                stored.put(normalise(d.get(keyField)), spec.guarded() ? d.get(spec.newerField()) : Boolean.TRUE);
            }
        } catch (MongoException e) {
            throw new MongoUnavailableException("MongoDB did not answer for " + collectionName, e);
        }
        List<PendingWrite> planned = new ArrayList<>(writes.size());
        int stale = 0;
        for (PendingWrite w : writes) {
            Object key = normalise(w.filter().get(keyField));
            if (!stored.containsKey(key)) {
                absent.add(w.filter());
            }
            Object storedVersion = stored.get(key);
            Object version = spec.guarded() ? w.document().get(spec.newerField()) : null;
            if (spec.guarded() && storedVersion != null && version != null && compare(version, storedVersion) <= 0) {
                stale++;
            } else {
                planned.add(spec.guarded() ? new PendingWrite(new CollectionSpec(spec.type(), spec.name(),
                        spec.keyFields(), spec.mode(), null), w.filter(), w.document(), w.source()) : w);
            }
        }
        batch.countStale(stale);
        return planned;
    }

    private static Object normalise(Object key) {
        return key instanceof Number n && !(key instanceof Double) && !(key instanceof Float) ? n.longValue() : key;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Comparable c && a.getClass().isInstance(b)) {
            return c.compareTo(b);
        }
        return 1; // not comparable: let the write through
    }

    /** True when both carry the guard field and {@code w}'s is smaller: {@code w} must not replace {@code other}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static boolean olderThan(PendingWrite w, PendingWrite other) {
        if (!w.collection().guarded()) {
            return false;
        }
        Object mine = w.document().get(w.collection().newerField());
        Object theirs = other.document().get(w.collection().newerField());
        if (mine == null || theirs == null) {
            return false;
        }
        if (mine instanceof Number a && theirs instanceof Number b) {
            return a.doubleValue() < b.doubleValue();
        }
        if (mine instanceof Comparable a && mine.getClass().isInstance(theirs)) {
            return a.compareTo(theirs) < 0;
        }
        return false;
    }

    /** Returns the writes that lost an insert race on the unique key. */
    private List<PendingWrite> bulk(SinkBatch batch, String collectionName, List<PendingWrite> writes,
            java.util.Set<Document> absent) {
        MongoCollection<Document> collection = client.getDatabase(database).getCollection(collectionName);
        List<WriteModel<Document>> models = new ArrayList<>(writes.size());
        for (PendingWrite w : writes) {
            // a key known to be absent is inserted: far cheaper than an upsert, which must look for it first
            // a copy: the driver gives an inserted document an ObjectId in place, which a retry as an update (a
            // lost insert race, a batch retried after an outage) would then try to write over the stored _id
            models.add(absent.contains(w.filter()) ? new InsertOneModel<>(new Document(w.document())) : model(w));
        }
        List<PendingWrite> raced = new ArrayList<>();
        try {
            collection.bulkWrite(models, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw new MongoUnavailableException("write concern not satisfied on " + collectionName, e);
            }
            int stale = 0;
            for (BulkWriteError error : e.getWriteErrors()) {
                PendingWrite w = writes.get(error.getIndex());
                if (error.getCode() == DUPLICATE_KEY && w.collection().guarded()) {
                    stale++; // the stored document is newer: the guard filter did not match, the insert collided
                } else if (error.getCode() == DUPLICATE_KEY) {
                    raced.add(w);
                } else {
                    batch.addWriteFailure(new DeadLetter(w.source(), "write", "MongoWriteError",
                            "MongoDB refused the document (code " + error.getCode() + "): " + error.getMessage()));
                }
            }
            batch.countStale(stale);
        } catch (MongoException e) {
            throw new MongoUnavailableException("MongoDB did not take the batch for " + collectionName + ": "
                    + e.getClass().getSimpleName(), e);
        }
        this.writes.written(collectionName); // also after some refusals: the rest of an unordered bulk was written
        return raced;
    }

    private static WriteModel<Document> model(PendingWrite w) {
        CollectionSpec spec = w.collection();
        Bson filter = w.filter();
        if (spec.guarded()) {
            Object version = w.document().get(spec.newerField());
            if (version != null) {
                filter = Filters.and(w.filter(), Filters.or(Filters.lt(spec.newerField(), version),
                        Filters.exists(spec.newerField(), false)));
            }
        }
        if (spec.mode() == CollectionSpec.Mode.MERGE) {
            return new UpdateOneModel<>(filter, new Document("$set", w.document()), new UpdateOptions().upsert(true));
        }
        return new ReplaceOneModel<>(filter, w.document(), new ReplaceOptions().upsert(true));
    }

    /** The unique index on the business key, and the indexes the flow declares (2dsphere, TTL), once per collection. */
    private void ensureIndexes(CollectionSpec spec) {
        if (indexed.contains(spec)) {
            return;
        }
        MongoCollection<Document> c = client.getDatabase(database).getCollection(spec.name());
        // keyed by _id, which is unique already
        if (!spec.keyFields().equals(List.of("_id"))) {
            try {
                c.createIndex(Indexes.ascending(spec.keyFields()), new IndexOptions().unique(true).name("business_key"));
            } catch (MongoException e) {
                throw new MongoUnavailableException("cannot create the unique index of " + spec.name(), e);
            }
        }
        for (dev.caravan.flow.Flow.Index index : spec.indexes()) {
            try {
                if (index.kind().equals("2dsphere")) {
                    c.createIndex(Indexes.geo2dsphere(index.field()));
                } else {
                    c.createIndex(Indexes.ascending(index.field()), new IndexOptions()
                            .expireAfter(index.expireAfterSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                }
            } catch (MongoException e) {
                // a server without the index kind still stores the documents; the index is a query aid
                LOG.warn("No {} index on {}.{}: {}", index.kind(), spec.name(), index.field(), e.getMessage());
            }
        }
        // per declaration, so a reloaded flow with a new index gets it
        indexed.add(spec);
    }
}
