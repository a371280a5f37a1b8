package dev.caravan.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** {@code java -jar caravan.jar redrive TOPIC [--url http://localhost:8080] [--api-key KEY]}: the redrive call, from a shell. */
public final class RedriveCommand {

    static final String USAGE = "usage: java -jar caravan.jar redrive TOPIC [--url http://localhost:8080] [--api-key KEY]";

    private RedriveCommand() {
    }

    /** Exit code: 0 redriven, 1 the API refused or failed, 2 bad arguments. */
    public static int run(String[] args, PrintStream out) {
        String topic = null;
        String url = "http://localhost:8080";
        String apiKey = System.getenv("CARAVAN_API_KEY");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = i + 1 < args.length ? args[++i] : null;
                case "--api-key" -> apiKey = i + 1 < args.length ? args[++i] : null;
                default -> {
                    if (args[i].startsWith("--") || topic != null) {
                        out.println("redrive: unexpected argument '" + args[i] + "'\n" + USAGE);
                        return 2;
                    }
                    topic = args[i];
                }
            }
        }
        if (topic == null || url == null) {
            out.println(USAGE);
            return 2;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/api/v1/dlq/"
                + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/redrive"))
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody());
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println("redrive: " + response.statusCode() + " " + response.body());
            return response.statusCode() / 100 == 2 ? 0 : 1;
        } catch (Exception e) {
            out.println("redrive: no answer from " + url + ": " + e);
            return 1;
        }
    }
}
