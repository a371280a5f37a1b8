package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.caravan.emulate.PostingEmulator;
import dev.caravan.testing.RunningCaravan;
import dev.caravan.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The posting emulator against a running app, in both formats: every post accepted, its triple on the three topics. */
class EmulatorIT {

    @TempDir
    Path data;

    @Test
    void emulatedPostsArriveAsTriplesSharingTheirIndInBothFormatsAndApiKeysAreSent() throws Exception {
        try (RunningCaravan app = RunningCaravan.start(data, Map.of("caravan.ingest.api-keys", "emulator-key"))) {
            String url = app.http("").toString();
            ByteArrayOutputStream api = new ByteArrayOutputStream();
            int apiExit = PostingEmulator.run(new String[] {"--url", url, "--count", "20", "--rate", "200",
                "--seed", "3", "--api-key", "emulator-key"}, new PrintStream(api, true, StandardCharsets.UTF_8));
            ByteArrayOutputStream proxy = new ByteArrayOutputStream();
            int proxyExit = PostingEmulator.run(new String[] {"--url", url, "--count", "10", "--rate", "200",
                "--seed", "4", "--format", "rest-proxy", "--api-key", "emulator-key"},
                    new PrintStream(proxy, true, StandardCharsets.UTF_8));
            ByteArrayOutputStream denied = new ByteArrayOutputStream();
            int deniedExit = PostingEmulator.run(new String[] {"--url", url, "--count", "1", "--api-key", "wrong"},
                    new PrintStream(denied, true, StandardCharsets.UTF_8));

            assertThat(apiExit).as(api.toString()).isZero();
            assertThat(api.toString()).contains("posts 20, requests 60, accepted 60, errors 0");
            assertThat(proxyExit).as(proxy.toString()).isZero();
            assertThat(proxy.toString()).contains("posts 10, requests 30, accepted 30, errors 0");
            assertThat(deniedExit).isEqualTo(1);
            assertThat(denied.toString()).contains("401 the API key is not valid");

            String brokers = app.connections().kafkaBrokers();
            Set<String> geo = keys(brokers, "caravan.geo");
            Set<String> users = keys(brokers, "caravan.users");
            assertThat(geo).hasSize(30).isEqualTo(users);
            assertThat(TopicReader.readAll(brokers, "caravan.pins")).hasSize(30)
                    .allSatisfy(r -> assertThat(r.value()).contains("\"category\""));
        }
    }

    private static Set<String> keys(String brokers, String topic) {
        return TopicReader.readAll(brokers, topic).stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
