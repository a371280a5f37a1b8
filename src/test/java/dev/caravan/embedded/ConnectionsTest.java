package dev.caravan.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionsTest {

    @Test
    void passwordsInUrisAreNeverShown() {
        assertThat(Connections.redactUserInfo("mongodb://app:s3cret@db1:27017,db2/caravan?authSource=admin"))
                .isEqualTo("mongodb://app:****@db1:27017,db2/caravan?authSource=admin");
        assertThat(Connections.redactUserInfo("mongodb+srv://app@cluster.example.net/"))
                .isEqualTo("mongodb+srv://app@cluster.example.net/");
        assertThat(Connections.redactUserInfo("http://127.0.0.1:19000")).isEqualTo("http://127.0.0.1:19000");
    }
}
