package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testing.RunningCaravan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of generated malformed requests (truncated JSON, wrong types, huge strings, deep nesting, invalid UTF-8,
 * $-prefixed keys, wrong media types) each get a 4xx problem+json answer, and the app stays healthy.
 */
class IngestFuzzIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GEO = "{\"ind\":12,\"timestamp\":\"2020-08-28 03:52:47\",\"latitude\":-89.9,"
            + "\"longitude\":-173.2,\"country\":\"Albania\"}";
    private static final List<String> FIELDS = List.of("ind", "timestamp", "latitude", "longitude", "country");

    @TempDir
    Path data;

    @Test
    void everyMalformedRequestIsAClientErrorWithAProblemBodyAndTheAppStaysHealthy() throws Exception {
        SplittableRandom random = new SplittableRandom(20261121);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> unexpected = new ArrayList<>();
        try (RunningCaravan app = RunningCaravan.start(data, Map.of())) {
            for (int i = 0; i < 2500; i++) {
                int kind = random.nextInt(8);
                byte[] body = body(kind, random);
                String type = kind == 7 ? List.of("text/plain", "application/xml", "multipart/form-data", "")
                        .get(random.nextInt(4)) : random.nextBoolean() ? "application/json" : "application/x-ndjson";
                HttpRequest.Builder request = HttpRequest.newBuilder(app.http("/api/v1/streams/geo"))
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
                if (!type.isEmpty()) {
                    request.header("Content-Type", type);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                String problem = check(response);
                if (problem != null && unexpected.size() < 20) {
                    unexpected.add("kind " + kind + " (" + type + "): " + problem);
                }
            }
            assertThat(unexpected).as("requests not answered with a 4xx problem").isEmpty();
            assertThat(app.get("/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(app.post("/api/v1/streams/geo", "application/json", GEO).statusCode()).isEqualTo(202);
        }
    }

    private static String check(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status < 400 || status >= 500) {
            return "status " + status + " " + abbreviate(response.body());
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return "content type " + response.headers().firstValue("Content-Type").orElse("none");
        }
        try {
            JsonNode p = JSON.readTree(response.body());
            if (p.get("status").asInt() != status || p.get("detail").asText().contains("Exception")) {
                return "problem body " + abbreviate(response.body());
            }
        } catch (Exception e) {
            return "body is not JSON: " + abbreviate(response.body());
        }
        return null;
    }

    /** A body that can never be a valid geo batch. */
    private static byte[] body(int kind, SplittableRandom r) {
        String valid = GEO;
        return switch (kind) {
            // truncated JSON
            case 0 -> bytes(valid.substring(0, 1 + r.nextInt(valid.length() - 2)));
            // a required field of the wrong type (no geo field takes an object or a boolean)
            case 1 -> bytes(valid.replace("\"" + FIELDS.get(r.nextInt(FIELDS.size())) + "\":",
                    "\"" + FIELDS.get(r.nextInt(FIELDS.size())) + "_\":1,\"" + FIELDS.get(0) + "\":"
                            + (r.nextBoolean() ? "{}" : "true") + ",\"x\":"));
            // a huge string where a number belongs, sometimes over the body limit
            case 2 -> bytes(valid.replace("-89.9", "\"" + "9".repeat(1 + r.nextInt(1_200_000)) + "x\""));
            // deep nesting
            case 3 -> {
                int depth = 1 + r.nextInt(300);
                yield bytes(valid.replace("\"Albania\"", "[".repeat(depth) + "]".repeat(depth)));
            }
            // invalid UTF-8 inside a string
            case 4 -> {
                byte[] b = bytes(valid);
                int at = valid.indexOf("Albania") + r.nextInt(7);
                b[at] = (byte) (0x80 | r.nextInt(0x40));
                if (r.nextBoolean()) {
                    b[at] = (byte) 0xC3;
                    b[at + 1] = (byte) 0x28;
                }
                yield b;
            }
            // a $-prefixed field name, top level or nested
            case 5 -> bytes(valid.replace("\"country\"", r.nextBoolean() ? "\"$where\":1,\"country\""
                    : "\"meta\":{\"$gt\":[1]},\"country\""));
            // random bytes
            case 6 -> {
                byte[] b = new byte[1 + r.nextInt(512)];
                r.nextBytes(b);
                b[0] = (byte) '{';
                yield b;
            }
            // a media type the API does not take
            default -> bytes(valid);
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
