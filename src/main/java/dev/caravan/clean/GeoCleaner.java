package dev.caravan.clean;

import java.util.List;
import java.util.Map;

import org.bson.Document;

/** A raw geo record into the stored shape: a GeoJSON Point for latitude/longitude, the timestamp as a date. */
public final class GeoCleaner {

    public Document clean(Map<String, Object> raw) {
        Document out = new Document();
        out.put("ind", Values.integer(raw.get("ind"), "ind"));
        out.put("timestamp", Values.date(raw.get("timestamp"), "timestamp"));
        double latitude = Values.decimal(raw.get("latitude"), "latitude");
        double longitude = Values.decimal(raw.get("longitude"), "longitude");
        if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
            throw new CleaningException("latitude/longitude out of range: " + latitude + ", " + longitude);
        }
        // GeoJSON order is longitude, latitude
        out.put("coordinates", new Document("type", "Point").append("coordinates", List.of(longitude, latitude)));
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (!out.containsKey(e.getKey()) && !e.getKey().equals("latitude") && !e.getKey().equals("longitude")) {
                out.put(e.getKey(), Values.number(Values.orNull(e.getValue(), java.util.Set.of())));
            }
        }
        return out;
    }
}
