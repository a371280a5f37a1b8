package dev.caravan.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The geo operators of a find filter, which the embedded server's library does not implement: {@code $near} and
 * {@code $nearSphere} with a GeoJSON point ({@code $maxDistance}, {@code $minDistance} in meters), {@code $geoWithin}
 * with {@code $centerSphere}, {@code $box}, {@code $polygon}, {@code $center} or a GeoJSON Polygon, and
 * {@code $geoIntersects} with a GeoJSON Polygon (for point fields). Fields hold GeoJSON points or legacy
 * {@code [lng, lat]} pairs. Distances are great-circle distances on MongoDB's earth radius; polygon edges are straight
 * in longitude and latitude (a real 2dsphere index uses geodesic edges: they differ only for large polygons).
 */
final class GeoQuery {

    /** MongoDB's earth radius for 2dsphere distances, in meters. */
    static final double EARTH_RADIUS_M = 6_378_100.0;
    private static final Set<String> GEO = Set.of("$near", "$nearSphere", "$geoWithin", "$within", "$geoIntersects");

    /** The filter without its geo conditions, the conditions, and the one near condition if any (it orders). */
    record Split(Document rest, List<Condition> conditions, Near near) {
    }

    /** One field's geo condition. */
    interface Condition {
        boolean matches(Document document);
    }

    /** $near: the point, and the distance band in meters. */
    record Near(String field, double lng, double lat, double min, double max) implements Condition {

        double distance(Document document) {
            double[] p = point(value(document, field));
            return p == null ? Double.NaN : meters(lng, lat, p[0], p[1]);
        }

        @Override
        public boolean matches(Document document) {
            double d = distance(document);
            return !Double.isNaN(d) && d >= min && d <= max;
        }
    }

    private GeoQuery() {
    }

    /** The split of a filter with geo operators, or null when it has none (the library answers it alone). */
    static Split split(Document query) {
        if (query == null || !hasGeoAnywhere(query)) {
            return null;
        }
        List<Condition> conditions = new ArrayList<>();
        Near[] near = new Near[1];
        Document rest = splitInto(query, conditions, near);
        return new Split(rest, conditions, near[0]);
    }

    /** The filter without its geo conditions, which are added to {@code conditions}; a top-level $and is followed. */
    private static Document splitInto(Document query, List<Condition> conditions, Near[] near) {
        Document rest = new Document();
        for (Map.Entry<String, Object> e : query.entrySet()) {
            if (e.getKey().equals("$and") && e.getValue() instanceof List<?> all) {
                List<Object> kept = new ArrayList<>();
                for (Object clause : all) {
                    if (clause instanceof Document d && hasGeoAnywhere(d)) {
                        Document r = splitInto(d, conditions, near);
                        if (!r.isEmpty()) {
                            kept.add(r);
                        }
                    } else {
                        kept.add(clause);
                    }
                }
                if (!kept.isEmpty()) {
                    rest.put("$and", kept);
                }
                continue;
            }
            if (!hasGeo(e.getValue())) {
                rest.put(e.getKey(), e.getValue());
                continue;
            }
            Document ops = (Document) e.getValue();
            Document others = new Document();
            for (Map.Entry<String, Object> op : ops.entrySet()) {
                switch (op.getKey()) {
                    case "$near", "$nearSphere" -> {
                        if (near[0] != null) {
                            throw new IllegalArgumentException("too many geoNear expressions");
                        }
                        near[0] = near(e.getKey(), op.getValue(), ops);
                        conditions.add(near[0]);
                    }
                    case "$geoWithin", "$within" -> conditions.add(within(e.getKey(), (Document) op.getValue()));
                    case "$geoIntersects" -> conditions.add(intersects(e.getKey(), (Document) op.getValue()));
                    case "$maxDistance", "$minDistance" -> {
                        // read with $near
                    }
                    default -> others.put(op.getKey(), op.getValue());
                }
            }
            if (!others.isEmpty()) {
                rest.put(e.getKey(), others);
            }
        }
        return rest;
    }

    /** True when a field condition, at the top or inside a top-level $and, uses a geo operator. */
    static boolean hasGeoAnywhere(Document query) {
        for (Map.Entry<String, Object> e : query.entrySet()) {
            if (e.getKey().equals("$and") && e.getValue() instanceof List<?> all) {
                if (all.stream().anyMatch(c -> c instanceof Document d && hasGeoAnywhere(d))) {
                    return true;
                }
            } else if (hasGeo(e.getValue())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasGeo(Object condition) {
        return condition instanceof Document d && d.keySet().stream().anyMatch(GEO::contains);
    }

    private static Near near(String field, Object spec, Document ops) {
        if (!(spec instanceof Document d) || !(d.get("$geometry") instanceof Document geometry)) {
            throw new IllegalArgumentException("$near needs {$geometry: {type: 'Point', coordinates: [lng, lat]}} "
                    + "on the embedded server");
        }
        double[] at = point(geometry);
        if (at == null) {
            throw new IllegalArgumentException("$near's $geometry must be a Point");
        }
        double max = number(d.containsKey("$maxDistance") ? d.get("$maxDistance") : ops.get("$maxDistance"),
                Double.POSITIVE_INFINITY);
        double min = number(d.containsKey("$minDistance") ? d.get("$minDistance") : ops.get("$minDistance"), 0);
        return new Near(field, at[0], at[1], min, max);
    }

    private static Condition within(String field, Document shape) {
        if (shape.get("$centerSphere") instanceof List<?> c) {
            double[] center = pair(c.get(0));
            double radians = number(c.get(1), 0);
            return d -> at(d, field, p -> meters(center[0], center[1], p[0], p[1]) <= radians * EARTH_RADIUS_M);
        }
        if (shape.get("$center") instanceof List<?> c) {
            double[] center = pair(c.get(0));
            double r = number(c.get(1), 0);
            return d -> at(d, field, p -> Math.hypot(p[0] - center[0], p[1] - center[1]) <= r);
        }
        if (shape.get("$box") instanceof List<?> b) {
            double[] low = pair(b.get(0));
            double[] high = pair(b.get(1));
            return d -> at(d, field, p -> p[0] >= Math.min(low[0], high[0]) && p[0] <= Math.max(low[0], high[0])
                    && p[1] >= Math.min(low[1], high[1]) && p[1] <= Math.max(low[1], high[1]));
        }
        if (shape.get("$polygon") instanceof List<?> ring) {
            List<double[]> points = ring(ring);
            return d -> at(d, field, p -> inside(points, p));
        }
        if (shape.get("$geometry") instanceof Document geometry) {
            return polygon(field, geometry);
        }
        throw new IllegalArgumentException("$geoWithin takes $centerSphere, $center, $box, $polygon or $geometry");
    }

    private static Condition intersects(String field, Document spec) {
        if (spec.get("$geometry") instanceof Document geometry) {
            return polygon(field, geometry);
        }
        throw new IllegalArgumentException("$geoIntersects takes $geometry");
    }

    /** A GeoJSON Polygon or MultiPolygon: inside the outer ring and outside every hole. */
    private static Condition polygon(String field, Document geometry) {
        List<List<List<double[]>>> polygons = new ArrayList<>();
        if ("Polygon".equals(geometry.get("type"))) {
            polygons.add(rings((List<?>) geometry.get("coordinates")));
        } else if ("MultiPolygon".equals(geometry.get("type"))) {
            for (Object polygon : (List<?>) geometry.get("coordinates")) {
                polygons.add(rings((List<?>) polygon));
            }
        } else {
            throw new IllegalArgumentException("the embedded server takes a Polygon or MultiPolygon $geometry here, got "
                    + geometry.get("type"));
        }
        return d -> at(d, field, p -> polygons.stream().anyMatch(rings -> inside(rings.get(0), p)
                && rings.subList(1, rings.size()).stream().noneMatch(hole -> inside(hole, p))));
    }

    private static List<List<double[]>> rings(List<?> coordinates) {
        List<List<double[]>> out = new ArrayList<>();
        coordinates.forEach(r -> out.add(ring((List<?>) r)));
        return out;
    }

    private static List<double[]> ring(List<?> points) {
        List<double[]> out = new ArrayList<>();
        points.forEach(p -> out.add(pair(p)));
        return out;
    }

    private interface PointTest {
        boolean test(double[] lngLat);
    }

    private static boolean at(Document document, String field, PointTest test) {
        double[] p = point(value(document, field));
        return p != null && test.test(p);
    }

    /** Ray casting in longitude and latitude; a point on an edge counts as inside. */
    static boolean inside(List<double[]> ring, double[] p) {
        boolean in = false;
        for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            double[] a = ring.get(i);
            double[] b = ring.get(j);
            if (onSegment(a, b, p)) {
                return true;
            }
            if ((a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]) {
                in = !in;
            }
        }
        return in;
    }

    private static boolean onSegment(double[] a, double[] b, double[] p) {
        double cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
        return Math.abs(cross) < 1e-12 && p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0])
                && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
    }

    /** Great-circle distance in meters (haversine). */
    static double meters(double lng1, double lat1, double lng2, double lat2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLng = Math.toRadians(lng2 - lng1);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2)) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** A GeoJSON Point, a legacy [lng, lat] pair or a {lng, lat} document; null for anything else. */
    static double[] point(Object value) {
        if (value instanceof Document d && "Point".equals(d.get("type")) && d.get("coordinates") instanceof List<?> c) {
            return pair(c);
        }
        if (value instanceof List<?> l && l.size() >= 2 && l.get(0) instanceof Number && l.get(1) instanceof Number) {
            return pair(l);
        }
        if (value instanceof Document d && d.size() >= 2 && !d.containsKey("type")) {
            List<Object> values = new ArrayList<>(d.values());
            if (values.get(0) instanceof Number && values.get(1) instanceof Number) {
                return pair(values);
            }
        }
        return null;
    }

    private static double[] pair(Object value) {
        List<?> l = (List<?>) value;
        return new double[] {((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue()};
    }

    private static double number(Object value, double fallback) {
        return value instanceof Number n ? n.doubleValue() : fallback;
    }

    private static Object value(Document document, String path) {
        Object v = document;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Document d)) {
                return null;
            }
            v = d.get(part);
        }
        return v;
    }
}
