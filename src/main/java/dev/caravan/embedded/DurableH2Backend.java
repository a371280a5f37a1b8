package dev.caravan.embedded;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.Channel;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 backend of the embedded MongoDB, with three changes:
 * <ul>
 * <li>it commits the MVStore after every write command, before any client can see the change. H2 otherwise writes
 * changes to the file about a second later, so a killed process could lose documents whose Kafka offsets were already
 * committed, or that another client had already read;</li>
 * <li>it stores documents as BSON ({@link BsonDocumentType}) instead of Java-serializing them;</li>
 * <li>its unique indexes compare keys with {@link IndexKeyType} instead of Java-serializing them for every comparison.
 * Those indexes live in maps of their own name ({@code <db>.<collection>._keys_<index>}); an index a previous
 * version wrote ({@code ._index_<index>}, in serialized order) is copied into one at start-up and then removed.</li>
 * </ul>
 */
class DurableH2Backend extends H2Backend {

    private static final Logger LOG = LoggerFactory.getLogger(DurableH2Backend.class);
    private final ReentrantReadWriteLock visibility = new ReentrantReadWriteLock();

    /** The meta map's mark of a collection whose documents are BSON ({@link BsonDocumentType}). */
    private static final String FORMAT_KEY = "caravan.documentFormat";
    private static final String BSON = "bson";

    /**
     * Commands that read no data take no lock: a read of minutes (a pipeline over a million posts) with a write queued
     * behind it holds every later reader, and a driver whose heartbeat waited 10 s took the server for down.
     */
    private static final Set<String> NO_DATA = Set.of("hello", "ismaster", "ping", "buildinfo", "whatsmyuri",
            "endsessions", "getparameter", "connectionstatus", "hostinfo", "getcmdlineopts");

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "createindexes",
            "create", "drop", "dropindexes", "dropdatabase", "renamecollection");

    DurableH2Backend(String fileName) {
        super(fileName);
    }

    DurableH2Backend(MVStore store) {
        super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new KeyOrderedDatabase(databaseName);
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Lock lock = lockFor(firstKey(message.getDocument()));
        try {
            return lock == visibility.readLock() ? atOneVersion(() -> super.handleMessage(message))
                    : super.handleMessage(message);
        } finally {
            unlockAfterCommit(lock);
        }
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        Lock lock = lockFor(command);
        try {
            if ("aggregate".equalsIgnoreCase(command)) {
                query = withGeoMatch(database, query);
            }
            Document q = query;
            return lock == visibility.readLock() ? atOneVersion(() -> super.handleCommand(channel, database, command, q))
                    : super.handleCommand(channel, database, command, query);
        } finally {
            unlockAfterCommit(lock);
        }
    }

    /**
     * An aggregation whose first stage is a $match with geo operators (the library has none) gets that stage as a
     * match on the _ids the collection's geo query finds; the rest of the pipeline is the library's.
     */
    private Document withGeoMatch(String database, Document command) {
        if (!(command.get("pipeline") instanceof List<?> pipeline) || pipeline.isEmpty()
                || !(pipeline.get(0) instanceof Document first) || !(first.get("$match") instanceof Document match)
                || !GeoQuery.hasGeoAnywhere(match) || !(command.get("aggregate") instanceof String collection)) {
            return command;
        }
        if (!(resolveDatabase(database).resolveCollection(collection, false) instanceof GeoCollection geo)) {
            return command;
        }
        Document rewritten = new Document(command);
        List<Object> stages = new java.util.ArrayList<>(pipeline);
        stages.set(0, new Document("$match", new Document("_id", new Document("$in", geo.ids(match)))));
        rewritten.put("pipeline", stages);
        return rewritten;
    }

    /**
     * A write holds the write lock until it is committed, everything else a read lock: no client sees a change that a
     * killed process could still lose. Null when this thread already holds one (a command inside a message), and for
     * a command that reads no data.
     */
    private Lock lockFor(String command) {
        if (visibility.isWriteLockedByCurrentThread() || visibility.getReadHoldCount() > 0
                || command != null && NO_DATA.contains(command.toLowerCase())) {
            return null;
        }
        Lock lock = command != null && WRITES.contains(command.toLowerCase()) ? visibility.writeLock()
                : visibility.readLock();
        lock.lock();
        return lock;
    }

    private void unlockAfterCommit(Lock lock) {
        if (lock == null) {
            return;
        }
        try {
            if (lock == visibility.writeLock()) {
                commitWrite();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A read keeps the store's version it started on until it ends. The store frees a chunk whose pages were moved
     * (its background compaction moves them all the time, as every write commits) once it is older than the retention
     * time, 45 s; a longer read still on it failed with "Chunk ... not found" (a metric's pipeline over a million
     * posts took 80 s).
     */
    <T> T atOneVersion(java.util.function.Supplier<T> read) {
        MVStore.TxCounter usage = getMvStore().registerVersionUsage();
        try {
            return read.get();
        } finally {
            getMvStore().deregisterVersionUsage(usage);
        }
    }

    /** The commit of one write command (a seam for tests). */
    void commitWrite() {
        commit();
    }

    private static String firstKey(Document document) {
        return document == null || document.isEmpty() ? null : document.keySet().iterator().next();
    }

    /**
     * An inner class on purpose: H2Database opens its indexes from its constructor, before a subclass could set a
     * field, but the enclosing backend (and so the MVStore) is reachable from the first line.
     */
    private final class KeyOrderedDatabase extends H2Database {

        KeyOrderedDatabase(String databaseName) {
            super(databaseName, getMvStore(), getCursorRegistry());
        }

        /** The library's collection on the library's maps, also answering geo finds. */
        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVMap<String, Object> meta = getMvStore().openMap("meta." + namespace);
            MVMap<Object, Document> data = openDocuments("databases." + namespace, meta);
            return new GeoCollection(this, collectionName, options, data, meta, getCursorRegistry());
        }

        /**
         * The collection's documents, as BSON. A map an earlier version wrote (Java-serialized, no format mark in the
         * meta map) is copied into a BSON one of the same name first; a copy cut short is redone from the old map.
         */
        private MVMap<Object, Document> openDocuments(String name, MVMap<String, Object> meta) {
            MVStore store = getMvStore();
            MVMap.Builder<Object, Document> bson = new MVMap.Builder<Object, Document>()
                    .valueType(BsonDocumentType.INSTANCE);
            String copyName = name + ".bson";
            boolean legacy = store.hasMap(name) && !BSON.equals(meta.get(FORMAT_KEY));
            boolean copied = !store.hasMap(name) && store.hasMap(copyName);
            if (!legacy && !copied) {
                MVMap<Object, Document> data = store.openMap(name, bson);
                meta.putIfAbsent(FORMAT_KEY, BSON);
                return data;
            }
            int delay = store.getAutoCommitDelay();
            // no background commit between removing the old map, renaming the copy and marking the format
            store.setAutoCommitDelay(0);
            try {
                MVMap<Object, Document> copy = store.openMap(copyName, bson);
                if (legacy) {
                    copy.clear();
                    MVMap<Object, Document> old = store.openMap(name);
                    old.forEach(copy::put);
                    store.removeMap(old);
                }
                store.renameMap(copy, name);
                meta.put(FORMAT_KEY, BSON);
                store.commit();
                LOG.info("Stored {} ({} documents) as BSON", name.substring("databases.".length()), copy.sizeAsLong());
                return copy;
            } finally {
                store.setAutoCommitDelay(delay);
            }
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                boolean sparse) {
            MVStore store = getMvStore();
            String name = keysMapName(collectionName, indexName);
            MVMap<KeyValue, Object> map = store.openMap(name,
                    new MVMap.Builder<KeyValue, Object>().keyType(IndexKeyType.INSTANCE)
                            .valueType(IndexKeyType.Positions.INSTANCE));
            String legacy = legacyMapName(collectionName, indexName);
            if (store.hasMap(legacy)) {
                // copied whole each time the old map is still there: a copy cut short by a crash is redone, not kept
                map.clear();
                MVMap<Object, Object> old = store.openMap(legacy);
                for (Map.Entry<Object, Object> e : old.entrySet()) {
                    map.put((KeyValue) e.getKey(), e.getValue());
                }
                store.removeMap(old);
                store.commit();
                LOG.info("Rebuilt index {} of {} ({} keys) in the embedded MongoDB's key order", indexName,
                        getFullCollectionNamespace(collectionName), map.sizeAsLong());
            }
            return new H2KeyIndex(map, indexName, keys, sparse);
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName); // also removes a legacy map of that name
            getMvStore().removeMap(keysMapName(collection.getCollectionName(), indexName));
        }

        private String keysMapName(String collectionName, String indexName) {
            return getFullCollectionNamespace(collectionName) + "._keys_" + indexName;
        }

        private String legacyMapName(String collectionName, String indexName) {
            return getFullCollectionNamespace(collectionName) + "._index_" + indexName;
        }
    }
}
