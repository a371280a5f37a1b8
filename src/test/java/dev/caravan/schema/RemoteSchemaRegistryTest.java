package dev.caravan.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Base64;

import dev.caravan.testing.FakeSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a small in-process registry that answers like Confluent's, basic auth and all. */
class RemoteSchemaRegistryTest {

    private static final String USER = "caravan";
    // made up per run: the test checks it never shows in a message
    private static final String PASSWORD = "test-" + java.util.UUID.randomUUID();
    private static final String PREFIX = FakeSchemaRegistry.PREFIX;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final Schema V1 = SchemaBuilder.record("Order").namespace("dev.caravan.test").fields()
            .requiredLong("id").endRecord();
    private static final Schema V2 = SchemaBuilder.record("Order").namespace("dev.caravan.test").fields()
            .requiredLong("id").optionalString("note").endRecord();
    private static final Schema INCOMPATIBLE = SchemaBuilder.record("IncompatibleOrder").fields()
            .requiredString("id").endRecord();

    private static FakeSchemaRegistry FAKE;
    private static String url;

    @BeforeAll
    static void startServer() throws IOException {
        FAKE = new FakeSchemaRegistry(USER, PASSWORD);
        url = FAKE.url();
    }

    @AfterAll
    static void stopServer() {
        FAKE.close();
    }

    @BeforeEach
    void emptyRegistry() {
        FAKE.reset();
    }

    private static RemoteSchemaRegistry client(String baseUrl) {
        return new RemoteSchemaRegistry(baseUrl, USER, PASSWORD, TIMEOUT);
    }

    @Test
    void registersOnceAndFindsTheSchemaById() {
        RemoteSchemaRegistry registry = client(url + "/");
        int id = registry.register("orders-value", V1);

        assertThat(registry.register("orders-value", V1)).isEqualTo(id);
        assertThat(FAKE.count("POST /subjects/orders-value/versions")).isEqualTo(1);
        assertThat(FAKE.lastContentType).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(registry.register("orders-value", V2)).isNotEqualTo(id);
        // a fresh client has no cache, so this goes over the wire and back
        RemoteSchemaRegistry other = client(url);
        assertThat(other.byId(id)).isEqualTo(V1);
        assertThat(other.byId(id)).isEqualTo(V1);
        assertThat(FAKE.count("GET /schemas/ids/" + id)).isEqualTo(1);
        // the registry, not the cache, knows the schema already
        assertThat(other.register("orders-value", V1)).isEqualTo(id);
    }

    @Test
    void listsSubjectsAndVersionsAsRegistered() {
        RemoteSchemaRegistry registry = client(url);
        int id1 = registry.register("orders-value", V1);
        int id2 = registry.register("orders-value", V2);
        registry.register("pins-value", V1);
        // a subject that needs encoding in a URL path
        registry.register("odd subject/with+chars-value", V2);

        assertThat(registry.subjects()).containsExactly("odd subject/with+chars-value", "orders-value", "pins-value");
        assertThat(registry.versions("orders-value")).containsExactly(1, 2);
        assertThat(registry.versions("odd subject/with+chars-value")).containsExactly(1);
        assertThat(registry.version("orders-value", -1))
                .isEqualTo(new SchemaRegistry.Registered("orders-value", 2, id2, V2));
        assertThat(registry.version("orders-value", 1))
                .isEqualTo(new SchemaRegistry.Registered("orders-value", 1, id1, V1));
        assertThat(FAKE.count("GET /subjects/orders-value/versions/latest")).isEqualTo(1);
        assertThat(registry.version("orders-value", 3)).isNull();
        assertThat(registry.versions("unknown-value")).isEmpty();
        assertThat(registry.version("unknown-value", -1)).isNull();
    }

    @Test
    void anUnknownIdIsNullAndAskedAgainNextTime() {
        RemoteSchemaRegistry registry = client(url);

        assertThat(registry.byId(999)).isNull();
        assertThat(registry.byId(999)).isNull();
        assertThat(FAKE.count("GET /schemas/ids/999")).isEqualTo(2);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithTheRegistrysReason() {
        RemoteSchemaRegistry registry = client(url);
        registry.register("orders-value", V1);

        assertThatThrownBy(() -> registry.register("orders-value", INCOMPATIBLE))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("orders-value")
                .hasMessageContaining("Schema being registered is incompatible with an earlier schema");
        assertThat(registry.versions("orders-value")).containsExactly(1);
    }

    @Test
    void refusedCredentialsSayAuthenticationAndNeverThePassword() {
        RemoteSchemaRegistry wrong = new RemoteSchemaRegistry(url, USER, "wrong-" + PASSWORD, TIMEOUT);
        RemoteSchemaRegistry none = new RemoteSchemaRegistry(url, null, "", TIMEOUT);

        assertThatThrownBy(wrong::subjects).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("authentication").doesNotContain(PASSWORD)
                    .doesNotContain(Base64.getEncoder().encodeToString((USER + ":wrong-" + PASSWORD).getBytes()));
        });
        assertThatThrownBy(() -> none.register("orders-value", V1))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("no user");
        assertThat(FAKE.count("GET /subjects")).isEqualTo(1);
    }

    @Test
    void credentialsInTheUrlAreUsedButNeverShown() {
        RemoteSchemaRegistry registry = new RemoteSchemaRegistry(
                url.replace("://", "://" + USER + ":" + PASSWORD + "@") + "/", null, null, TIMEOUT);

        assertThat(registry.subjects()).isEmpty();
        assertThat(registry.describe()).isEqualTo("schema registry at " + url).doesNotContain(PASSWORD);
    }

    @Test
    void aRegistryThatIsDownFailsWithStatusZero() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RemoteSchemaRegistry registry = client("http://127.0.0.1:" + port);

        assertThatThrownBy(() -> registry.register("orders-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("/subjects/orders-value/versions").doesNotContain(PASSWORD);
                });
    }

    @Test
    void aBaseUrlWithAPathIsKept() {
        RemoteSchemaRegistry registry = client(url + PREFIX + "/");
        int id = registry.register("orders-value", V1);

        assertThat(FAKE.count("POST " + PREFIX + "/subjects/orders-value/versions")).isEqualTo(1);
        assertThat(client(url + PREFIX).byId(id)).isEqualTo(V1);
        assertThat(registry.versions("orders-value")).containsExactly(1);
        assertThat(registry.describe()).isEqualTo("schema registry at " + url + PREFIX);
        // a wrong path must fail loudly rather than look like an empty registry
        assertThatThrownBy(() -> client(url + "/apis/wrong").versions("orders-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void compatibilityFallsBackFromSubjectToGlobalToDefault() {
        RemoteSchemaRegistry registry = client(url);
        FAKE.subjectLevels.put("orders-value", "FULL_TRANSITIVE");
        FAKE.globalLevel = "FORWARD";

        assertThat(registry.compatibility("orders-value")).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThat(registry.compatibility("pins-value")).isEqualTo(Compatibility.FORWARD);
        assertThat(FAKE.count("GET /config")).isEqualTo(1);
        FAKE.globalLevel = null;
        assertThat(registry.compatibility("pins-value")).isEqualTo(Compatibility.DEFAULT);
    }

    @Test
    void anIdOfAnotherKindOfSchemaIsTheRecordsFaultNotAnOutage() {
        FAKE.registerForeign(77, "JSON");
        RemoteSchemaRegistry registry = client(url);
        assertThatThrownBy(() -> registry.byId(77)).isInstanceOf(WireFormatException.class)
                .isNotInstanceOf(SchemaRegistryException.class).hasMessageContaining("schema id 77")
                .hasMessageContaining("JSON");
    }
}
