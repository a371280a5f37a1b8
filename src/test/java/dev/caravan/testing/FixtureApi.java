package dev.caravan.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for a public JSON API: answers each path with what the test scripted (fixture files in the API's
 * documented shape, errors, 429s) and records every request it got, so no test needs the internet.
 */
public final class FixtureApi implements AutoCloseable {

    /** One request as the server saw it. */
    public record Request(Instant at, String path, Map<String, String> query, Map<String, String> headers) {
    }

    /** One scripted answer. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer json(String body) {
            return new Answer(200, Map.of(), body);
        }

        public static Answer status(int status, Map<String, String> headers) {
            return new Answer(status, headers, "{\"message\":\"scripted " + status + "\"}");
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public FixtureApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers requests to {@code path} (exact) with the function's answer. */
    public FixtureApi on(String path, Function<Request, Answer> answer) {
        routes.put(path, answer);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String pathPrefix) {
        return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    public void clear() {
        requests.clear();
    }

    /** A fixture file from src/test/resources/fixtures/poll. */
    public static String fixture(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/fixtures/poll", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        Request request = new Request(Instant.now(), ex.getRequestURI().getPath(), query, headers);
        requests.add(request);
        Function<Request, Answer> route = routes.get(request.path());
        Answer answer = route == null ? Answer.status(404, Map.of()) : route.apply(request);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Answers in turn, repeating the last one. */
    public static Function<Request, Answer> sequence(Answer... answers) {
        List<Answer> list = new ArrayList<>(List.of(answers));
        return r -> {
            synchronized (list) {
                return list.size() > 1 ? list.remove(0) : list.get(0);
            }
        };
    }
}
