package dev.caravan.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.junit.jupiter.api.Test;

class CleanersTest {

    private static final Set<String> PLACEHOLDERS = Set.of("No description available Story format",
            "No Title Data Available", "User Info Error", "Image src error.", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e");

    @Test
    void followerCountsAsShownBecomeNumbers() {
        FollowerCountParser p = new FollowerCountParser();
        assertThat(p.parse("980")).isEqualTo(980L);
        assertThat(p.parse("12k")).isEqualTo(12_000L);
        assertThat(p.parse("1.5M")).isEqualTo(1_500_000L);
        assertThat(p.parse(" 3K ")).isEqualTo(3_000L);
        assertThat(p.parse(42)).isEqualTo(42L);
        assertThat(p.parse("User Info Error")).isNull();
        assertThat(p.parse("")).isNull();
        assertThat(p.parse(null)).isNull();
    }

    @Test
    void aDirtyPinIsCleaned() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("index", "7528");
        raw.put("unique_id", "fbe53c66");
        raw.put("title", "No Title Data Available");
        raw.put("description", "");
        raw.put("poster_name", "User Info Error");
        raw.put("follower_count", "1.5M");
        raw.put("tag_list", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e");
        raw.put("image_src", "Image src error.");
        raw.put("downloaded", "1");
        raw.put("save_location", "Local save in /data/mens-fashion");
        raw.put("category", "mens-fashion");

        Document pin = new PinCleaner(PLACEHOLDERS).clean(raw);

        assertThat(pin).doesNotContainKey("index");
        assertThat(pin.get("ind")).isEqualTo(7528L);
        assertThat(pin.get("follower_count")).isEqualTo(1_500_000L);
        assertThat(pin.get("title")).isNull();
        assertThat(pin.get("description")).isNull();
        assertThat(pin.get("poster_name")).isNull();
        assertThat(pin.get("tag_list")).isNull();
        assertThat(pin.get("image_src")).isNull();
        assertThat(pin.get("downloaded")).isEqualTo(true);
        assertThat(pin.get("save_location")).isEqualTo("/data/mens-fashion");
        assertThat(pin.get("category")).isEqualTo("mens-fashion");
    }

    @Test
    void aPinsPostComesFromIndexAlone_anIndThatDisagreesIsRefused() {
        Map<String, Object> raw = new LinkedHashMap<>(Map.of("index", 1, "unique_id", "u", "ind", 999));
        assertThatThrownBy(() -> new PinCleaner(PLACEHOLDERS).clean(raw))
                .isInstanceOf(CleaningException.class).hasMessageContaining("disagrees with index");
        raw.put("ind", "1"); // the same post, however it is written
        assertThat(new PinCleaner(PLACEHOLDERS).clean(raw).get("ind")).isEqualTo(1L);
    }

    @Test
    void aPinWithoutKeyCannotBeCleaned() {
        assertThatThrownBy(() -> new PinCleaner(PLACEHOLDERS).clean(Map.of("index", 1)))
                .isInstanceOf(CleaningException.class).hasMessageContaining("unique_id");
    }

    @Test
    void geoBecomesAGeoJsonPointAndADate() {
        Document geo = new GeoCleaner().clean(Map.of("ind", 7528, "timestamp", "2020-08-28 03:52:47",
                "latitude", -89.9787, "longitude", "-173.293", "country", "Albania"));

        assertThat(geo.get("ind")).isEqualTo(7528L);
        assertThat(geo.get("timestamp")).isEqualTo(Date.from(Instant.parse("2020-08-28T03:52:47Z")));
        assertThat(geo.get("coordinates", Document.class)).containsEntry("type", "Point")
                .containsEntry("coordinates", List.of(-173.293, -89.9787));
        assertThat(geo).doesNotContainKeys("latitude", "longitude").containsEntry("country", "Albania");
    }

    @Test
    void impossibleCoordinatesOrDatesAreCleaningErrors() {
        assertThatThrownBy(() -> new GeoCleaner().clean(Map.of("ind", 1, "timestamp", "2020-08-28 03:52:47",
                "latitude", 91, "longitude", 0))).isInstanceOf(CleaningException.class).hasMessageContaining("range");
        assertThatThrownBy(() -> new GeoCleaner().clean(Map.of("ind", 1, "timestamp", "yesterday",
                "latitude", 1, "longitude", 0))).hasMessageContaining("timestamp must be a date");
    }

    @Test
    void aUserGetsAUserNameANumericAgeAndAJoinDate() {
        Document user = new UserCleaner(PLACEHOLDERS).clean(Map.of("ind", "7528", "first_name", "Abigail",
                "last_name", "Ali", "age", "20", "date_joined", "2015-10-24T11:23:51+00:00"));

        assertThat(user.get("ind")).isEqualTo(7528L);
        assertThat(user.get("user_name")).isEqualTo("Abigail Ali");
        assertThat(user).doesNotContainKeys("first_name", "last_name");
        assertThat(user.get("age")).isEqualTo(20L);
        assertThat(user.get("date_joined")).isEqualTo(Date.from(Instant.parse("2015-10-24T11:23:51Z")));
    }
}
