package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.settings.StartupFailure;
import dev.caravan.testing.TestSettings;

/**
 * Without keys the API listens on this machine only; another interface needs keys or an explicit opt-in. Routes run on
 * as many worker threads as configured.
 */
class HttpServerSetupTest {

    @Test
    void withoutKeysTheServerListensOnLoopbackAndWithKeysOnEveryInterface() {
        assertThat(HttpServerSetup.host(TestSettings.of(Map.of()))).isEqualTo("127.0.0.1");
        assertThat(HttpServerSetup.host(TestSettings.of(Map.of("caravan.admin.api-keys", "a-real-key-0123456789"))))
                .isEqualTo("0.0.0.0");
        assertThat(HttpServerSetup.host(TestSettings.of(Map.of("caravan.ingest.api-keys", "a-real-key-0123456789",
                "caravan.http.host", "10.1.2.3")))).isEqualTo("10.1.2.3");
    }

    @Test
    void anotherInterfaceWithoutKeysIsRefusedUnlessAnonymousIsAllowed() {
        assertThatThrownBy(() -> HttpServerSetup.host(TestSettings.of(Map.of("caravan.http.host", "0.0.0.0"))))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("CARAVAN_ADMIN_API_KEYS")
                .hasMessageContaining("CARAVAN_HTTP_ALLOW_ANONYMOUS");
        assertThat(HttpServerSetup.host(TestSettings.of(Map.of("caravan.http.host", "0.0.0.0",
                "caravan.http.allow-anonymous", "true")))).isEqualTo("0.0.0.0");
        assertThat(HttpServerSetup.host(TestSettings.of(Map.of("caravan.http.host", "localhost"))))
                .isEqualTo("localhost");
    }

    @Test
    void routesRunOnTheConfiguredWorkerThreadsAndNoneIsRefused() {
        // Vert.x's own default of 20 capped single-record ingest at 20 requests waiting for Kafka's acks
        assertThat(HttpServerSetup.vertxOptions(TestSettings.of(Map.of())).getWorkerPoolSize()).isEqualTo(64);
        assertThat(HttpServerSetup.vertxOptions(TestSettings.of(Map.of("caravan.http.worker-threads", "8")))
                .getWorkerPoolSize()).isEqualTo(8);
        assertThatThrownBy(() -> HttpServerSetup.vertxOptions(
                TestSettings.of(Map.of("caravan.http.worker-threads", "0"))))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("caravan.http.worker-threads must be at least 1");
    }
}
