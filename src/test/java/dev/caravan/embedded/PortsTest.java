package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;

import dev.caravan.settings.StartupFailure;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aTakenPortIsOneClearMessageNamingTheSettingAndItsVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Ports.claim("127.0.0.1", port, "caravan.embedded.kafka.port"))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is already in use (caravan.embedded.kafka.port); stop what"
                            + " holds it, or set CARAVAN_EMBEDDED_KAFKA_PORT to another port, or 0 for any free port");
        }
    }

    @Test
    void zeroMeansAConcreteFreePort() {
        assertThat(Ports.claim("127.0.0.1", 0, "caravan.http.port")).isBetween(1, 65535);
    }

    @Test
    void aFreePortGivenOutRecentlyIsNotGivenAgain() {
        // the system handed the same free port out twice in a row: two servers of one start collided on it
        java.util.Iterator<Integer> system = java.util.List.of(41_000, 41_000, 41_001, 41_000, 41_002).iterator();
        java.util.function.IntSupplier os = system::next;

        assertThat(java.util.List.of(Ports.freePort(os), Ports.freePort(os), Ports.freePort(os)))
                .containsExactly(41_000, 41_001, 41_002);
    }

    @Test
    void outOfRangeIsRejected() {
        assertThatThrownBy(() -> Ports.claim("127.0.0.1", 70000, "caravan.http.port"))
                .hasMessageContaining("caravan.http.port must be between 0 and 65535");
    }
}
