package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.embedded.Connections;
import org.junit.jupiter.api.Test;

/** The start-up banner: every address in use, whether embedded, and never a secret. */
class StartupBannerTest {

    @Test
    void theBannerNamesEveryAddressAndWhetherItIsEmbeddedWithoutSecrets() {
        Connections c = new Connections("127.0.0.1:19092", true, "mongodb://u:pw@db:27017", "caravan", false,
                "http://127.0.0.1:19000", "us-east-1", "lake", "caravan", "very-secret", true);

        String banner = StartupBanner.render(c, "http://localhost:18080", "routes (live reload on)", "/data");

        assertThat(banner).contains("http://localhost:18080/observe/health", "127.0.0.1:19092 (embedded)",
                "mongodb://u:****@db:27017 database caravan", "bucket lake", "routes (live reload on)");
        assertThat(banner).doesNotContain("pw@", "very-secret");
    }
}
