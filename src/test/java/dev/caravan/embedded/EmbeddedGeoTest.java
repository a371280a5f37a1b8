package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.geojson.Point;
import com.mongodb.client.model.geojson.Polygon;
import com.mongodb.client.model.geojson.Position;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The geo queries MongoDB's documentation shows, through the Java driver, on the embedded server: $near orders by
 * distance within a band in meters, $geoWithin takes a sphere, a box and a polygon, counts and projections agree.
 */
class EmbeddedGeoTest {

    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> places;

    @BeforeEach
    void start() {
        DurableH2Backend backend = new DurableH2Backend(new MVStore.Builder().open());
        backend.version(EmbeddedMongo.VERSION);
        server = new MongoServer(backend);
        client = MongoClients.create(server.bindAndGetConnectionString());
        places = client.getDatabase("caravan").getCollection("places");
        places.createIndex(Indexes.geo2dsphere("coordinates"));
        // Paris, Versailles (17 km), Lyon (392 km), London (344 km), and one without coordinates
        places.insertMany(List.of(
                place("paris", 2.3522, 48.8566), place("versailles", 2.1301, 48.8049),
                place("lyon", 4.8357, 45.7640), place("london", -0.1276, 51.5072),
                new Document("_id", "nowhere").append("kind", "city")));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void nearOrdersByDistanceWithinTheBand() {
        Point paris = new Point(new Position(2.3522, 48.8566));
        assertThat(ids(places.find(Filters.near("coordinates", paris, 400_000.0, null))))
                .containsExactly("paris", "versailles", "london", "lyon");
        assertThat(ids(places.find(Filters.near("coordinates", paris, 350_000.0, 10_000.0))))
                .containsExactly("versailles", "london");
        assertThat(ids(places.find(Filters.nearSphere("coordinates", paris, null, null)).limit(2)))
                .containsExactly("paris", "versailles");
        assertThat(ids(places.find(Filters.and(Filters.near("coordinates", paris, null, null),
                Filters.eq("kind", "city"))).skip(1).limit(1))).containsExactly("versailles");
    }

    @Test
    void withinASphereABoxAndAPolygon() {
        // 50 km around Paris, in radians of the earth's radius
        assertThat(ids(places.find(Filters.geoWithinCenterSphere("coordinates", 2.3522, 48.8566, 50.0 / 6378.1))))
                .containsExactlyInAnyOrder("paris", "versailles");
        assertThat(ids(places.find(Filters.geoWithinBox("coordinates", 0, 45, 5, 49))))
                .containsExactlyInAnyOrder("paris", "versailles", "lyon");
        Polygon france = new Polygon(List.of(new Position(-5, 42), new Position(8, 42), new Position(8, 51),
                new Position(-5, 51), new Position(-5, 42)));
        assertThat(ids(places.find(Filters.geoWithin("coordinates", france))))
                .containsExactlyInAnyOrder("paris", "versailles", "lyon");
        assertThat(ids(places.find(Filters.geoIntersects("coordinates", france))))
                .containsExactlyInAnyOrder("paris", "versailles", "lyon");
        assertThat(places.countDocuments(Filters.geoWithin("coordinates", france))).isEqualTo(3);
    }

    @Test
    void aProjectionKeepsTheGeoOrder() {
        Point paris = new Point(new Position(2.3522, 48.8566));
        List<Document> named = places.find(Filters.near("coordinates", paris, 400_000.0, null))
                .projection(Projections.fields(Projections.include("name"), Projections.excludeId()))
                .into(new ArrayList<>());
        assertThat(named).extracting(d -> d.getString("name")).containsExactly("paris", "versailles", "london", "lyon");
        assertThat(named).allSatisfy(d -> assertThat(d).containsOnlyKeys("name"));
    }

    @Test
    void aQueryWithoutGeoIsTheLibrarysAsBefore() {
        assertThat(ids(places.find(Filters.eq("kind", "city")).sort(new Document("_id", 1))))
                .containsExactly("london", "lyon", "nowhere", "paris", "versailles");
    }

    private static Document place(String name, double lng, double lat) {
        return new Document("_id", name).append("name", name).append("kind", "city")
                .append("coordinates", new Document("type", "Point").append("coordinates", List.of(lng, lat)));
    }

    private static List<String> ids(Iterable<Document> found) {
        List<String> out = new ArrayList<>();
        found.forEach(d -> out.add(d.getString("_id")));
        return out;
    }
}
