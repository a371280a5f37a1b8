package dev.caravan.embedded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;

/**
 * A collection of the embedded server that also answers finds and counts with geo operators ({@link GeoQuery}): the
 * rest of the filter is the library's, the geo conditions are evaluated here, {@code $near} orders by distance. No
 * index is used (a 2dsphere index is accepted and ignored by the library): fine for development data, not for
 * millions of documents.
 */
final class GeoCollection extends H2Collection {

    private final MVMap<Object, Document> data;

    GeoCollection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
            MVMap<String, Object> meta, CursorRegistry cursors) {
        super(database, name, options, data, meta, cursors);
        this.data = data;
    }

    /**
     * Every document, read from the store as an aggregation's stages consume them. The library lists the whole
     * collection first, so every pipeline held all of it in the heap at once: 600-800 MB over 100,000 joined posts,
     * whatever the pipeline kept.
     */
    @Override
    public Stream<Document> queryAllAsStream() {
        return data.values().stream();
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
            Document projection) {
        GeoQuery.Split geo = GeoQuery.split(query);
        if (geo == null) {
            return super.queryDocuments(query, orderBy, skip, limit, batchSize, projection);
        }
        // every candidate whole (no batch, no projection), in the order asked for unless $near orders
        List<Document> matched = new ArrayList<>();
        for (Document d : super.queryDocuments(geo.rest(), geo.near() == null ? orderBy : null, 0, 0, 0, null)) {
            if (geo.conditions().stream().allMatch(c -> c.matches(d))) {
                matched.add(d);
            }
        }
        if (geo.near() != null) {
            matched.sort(Comparator.comparingDouble(geo.near()::distance));
        }
        int from = Math.min(Math.max(skip, 0), matched.size());
        int to = limit > 0 ? Math.min(from + limit, matched.size()) : matched.size();
        List<Document> page = matched.subList(from, to);
        if (projection == null || projection.isEmpty() || page.isEmpty()) {
            return createQueryResult(new ArrayList<>(page), batchSize);
        }
        // the library projects: ask it for these documents by _id, then keep the geo order
        String id = getIdField();
        Document fields = new Document(projection);
        boolean withoutId = Integer.valueOf(0).equals(toInt(fields.get(id))) || Boolean.FALSE.equals(fields.get(id));
        if (withoutId) {
            fields.remove(id);
            if (fields.isEmpty() || fields.values().stream().allMatch(v -> Integer.valueOf(0).equals(toInt(v))
                    || Boolean.FALSE.equals(v))) {
                fields.put(id, 1); // exclusions only: keep them, the _id is removed below
            }
        }
        List<Object> ids = page.stream().map(d -> d.get(id)).toList();
        Map<Object, Document> projected = new HashMap<>();
        Document byIds = new Document(id, new Document("$in", ids));
        for (Document d : super.queryDocuments(byIds, null, 0, 0, 0, fields.isEmpty() ? null : fields)) {
            projected.put(d.get(id), d);
        }
        List<Document> out = new ArrayList<>(page.size());
        for (Object key : ids) {
            Document d = projected.get(key);
            if (d != null) {
                if (withoutId) {
                    d.remove(id);
                }
                out.add(d);
            }
        }
        return createQueryResult(out, batchSize);
    }

    /**
     * The _ids of the documents a geo filter matches (nearest first for $near): an aggregation's first $match with
     * $geoWithin or $geoIntersects becomes a match on these, so countDocuments and pipelines see the same documents.
     */
    List<Object> ids(Document filter) {
        List<Object> out = new ArrayList<>();
        for (Document d : queryDocuments(filter, null, 0, 0, 0, null)) {
            out.add(d.get(getIdField()));
        }
        return out;
    }

    private static Integer toInt(Object v) {
        return v instanceof Number n ? n.intValue() : null;
    }
}
