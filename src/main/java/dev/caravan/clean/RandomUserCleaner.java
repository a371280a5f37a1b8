package dev.caravan.clean;

import java.util.List;
import java.util.Map;

import org.bson.Document;

/**
 * A randomuser.me result into a flat document: name, location (with a GeoJSON Point), login uuid and username, date
 * of birth and registration as dates. The login's password, salt and hashes are dropped: credentials are not data.
 */
public final class RandomUserCleaner {

    public Document clean(Map<String, Object> raw) {
        Map<String, Object> login = map(raw, "login");
        Object uuid = login.get("uuid");
        if (!(uuid instanceof String u) || u.isBlank()) {
            throw new CleaningException("login.uuid is missing, so the user has no key");
        }
        Map<String, Object> name = map(raw, "name");
        Map<String, Object> location = map(raw, "location");
        Map<String, Object> street = map(location, "street");
        Map<String, Object> coordinates = map(location, "coordinates");
        Map<String, Object> dob = map(raw, "dob");
        Map<String, Object> registered = map(raw, "registered");
        Document out = new Document("uuid", uuid);
        out.put("username", login.get("username"));
        out.put("gender", raw.get("gender"));
        out.put("title", name.get("title"));
        out.put("first_name", name.get("first"));
        out.put("last_name", name.get("last"));
        out.put("full_name", ((name.get("first") == null ? "" : name.get("first")) + " "
                + (name.get("last") == null ? "" : name.get("last"))).trim());
        out.put("email", raw.get("email"));
        out.put("phone", raw.get("phone"));
        out.put("cell", raw.get("cell"));
        out.put("street", ((street.get("number") == null ? "" : street.get("number") + " ")
                + (street.get("name") == null ? "" : street.get("name"))).trim());
        out.put("city", location.get("city"));
        out.put("state", location.get("state"));
        out.put("country", location.get("country"));
        // postcodes are codes, not numbers: "01234" and "SW1A 1AA" both stay text
        out.put("postcode", location.get("postcode") == null ? null : location.get("postcode").toString());
        if (coordinates.get("latitude") != null && coordinates.get("longitude") != null) {
            out.put("coordinates", new Document("type", "Point").append("coordinates",
                    List.of(Values.decimal(coordinates.get("longitude"), "location.coordinates.longitude"),
                            Values.decimal(coordinates.get("latitude"), "location.coordinates.latitude"))));
        }
        out.put("date_of_birth", dob.get("date") == null ? null : Values.date(dob.get("date"), "dob.date"));
        out.put("age", dob.get("age") == null ? null : Values.integer(dob.get("age"), "dob.age"));
        out.put("registered", registered.get("date") == null ? null : Values.date(registered.get("date"), "registered.date"));
        out.put("nationality", raw.get("nat"));
        out.put("picture", map(raw, "picture").get("large"));
        return out;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String field) {
        return Values.object(parent, field);
    }
}
