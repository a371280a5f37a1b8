package dev.caravan.emulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.ingest.SchemaCheck;
import dev.caravan.ingest.StreamDefinition;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

class PinterestGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        PinterestGenerator a = new PinterestGenerator(42);
        PinterestGenerator b = new PinterestGenerator(42);
        PinterestGenerator c = new PinterestGenerator(43);
        for (int i = 0; i < 50; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
        assertThat(new PinterestGenerator(42).next()).isNotEqualTo(c.next());
    }

    @Test
    void aPostsThreeRecordsShareTheirIndAndIndsIncrease() {
        PinterestGenerator g = new PinterestGenerator(1);
        int previous = 0;
        for (int i = 0; i < 100; i++) {
            PinterestGenerator.Post p = g.next();
            assertThat(String.valueOf(p.pin().get("index"))).isEqualTo(String.valueOf(p.ind()));
            assertThat(p.geo().get("ind")).isEqualTo(p.ind());
            assertThat(p.user().get("ind")).isEqualTo(p.ind());
            assertThat(p.ind()).isGreaterThan(previous);
            previous = p.ind();
        }
    }

    @Test
    void theRecordsCarryTheDirtCleaningMustFixAndStillPassTheIngestSchemas() {
        PinterestGenerator g = new PinterestGenerator(42);
        List<JsonNode> pins = new ArrayList<>();
        List<JsonNode> geos = new ArrayList<>();
        List<JsonNode> users = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            PinterestGenerator.Post p = g.next();
            pins.add(JSON.valueToTree(p.pin()));
            geos.add(JSON.valueToTree(p.geo()));
            users.add(JSON.valueToTree(p.user()));
        }
        String all = pins.toString();
        assertThat(all).contains("\"follower_count\":\"", "k\"", "M\"", "No Title Data Available",
                "No description available Story format", "User Info Error", "Image src error.",
                "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e", "Local save in /data/", "\"index\":\"", "\"description\":\"\"");
        assertThat(users.toString()).contains("\"age\":\"");

        SchemaCheck check = new SchemaCheck();
        assertThatCode(() -> check.check(stream("pins", "unique_id", "schemas/pin.schema.json"), pins))
                .doesNotThrowAnyException();
        assertThatCode(() -> check.check(stream("geo", "ind", "schemas/geo.schema.json"), geos)).doesNotThrowAnyException();
        assertThatCode(() -> check.check(stream("users", "ind", "schemas/user.schema.json"), users))
                .doesNotThrowAnyException();
    }

    @Test
    void badArgumentsAreExplainedWithExitCode2() {
        var out = new java.io.ByteArrayOutputStream();
        int code = PostingEmulator.run(new String[] {"--count", "5", "--duration", "5s"}, new java.io.PrintStream(out));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("not both", "usage:");
        assertThat(PostingEmulator.Options.duration("500ms")).hasMillis(500);
        assertThat(PostingEmulator.Options.duration("5m")).hasMinutes(5);
    }

    private static StreamDefinition stream(String name, String key, String resource) {
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                PinterestGeneratorTest.class.getClassLoader().getResourceAsStream(resource),
                SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build());
        return new StreamDefinition(name, "caravan." + name, key, "classpath:" + resource, schema);
    }
}
