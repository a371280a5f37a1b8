package dev.caravan.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar run as its own process, the way a user runs it; its output collected line by line. */
public final class CaravanProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/caravan.jar").toAbsolutePath();

    private final Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> pumps = new ArrayList<>();

    private CaravanProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, "stdout");
        pump(process.getErrorStream(), stderr, "stderr");
    }

    /** {@code java [jvmArgs] -jar target/caravan.jar} in {@code workDir}, with only {@code env} of Caravan's variables. */
    public static CaravanProcess start(Path workDir, Map<String, String> env, String... jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-jar", JAR.toString()));
        return launch(workDir, env, command);
    }

    /** bin/caravan in {@code workDir}, on target/caravan.jar, with the test's java first on the PATH. */
    public static CaravanProcess startWithLauncher(Path workDir, Map<String, String> env) throws IOException {
        Map<String, String> withJar = new java.util.HashMap<>(env);
        withJar.put("CARAVAN_JAR", JAR.toString());
        withJar.put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + System.getenv("PATH"));
        return launch(workDir, withJar, List.of("bash", Path.of("bin", "caravan").toAbsolutePath().toString()));
    }

    private static CaravanProcess launch(Path workDir, Map<String, String> env, List<String> command)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CARAVAN_") || k.matches("KAFKA_BROKERS|MONGODB_.*|S3_.*|NYT_API_KEY|FOOTBALL_API_TOKEN"));
        pb.environment().putAll(env);
        // no test polls the internet: scheduled polls are off unless a test turns them on
        pb.environment().putIfAbsent("CARAVAN_POLL_ENABLED", "false");
        return new CaravanProcess(pb.start());
    }

    public CaravanProcess awaitReady() {
        await("banner").atMost(Duration.ofSeconds(120)).until(() -> {
            if (!process.isAlive() && !stdout().contains("Caravan is ready")) {
                throw new AssertionError("Caravan exited with " + process.exitValue() + ":\n" + stdout() + "\n" + stderr());
            }
            // the banner's last line: it is one log message, and the pipe may hand it over in two reads
            String out = stdout();
            return out.contains("Caravan is ready") && out.indexOf("\n  Access   ", out.indexOf("Caravan is ready")) > 0;
        });
        return this;
    }

    public Process process() {
        return process;
    }

    public String stdout() {
        synchronized (stdout) {
            return String.join("\n", stdout);
        }
    }

    public List<String> stderrLines() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    public String stderr() {
        return String.join("\n", stderrLines());
    }

    /** The address a banner line shows, e.g. banner("Kafka") is the bootstrap address in use. */
    public String banner(String label) {
        return stdout().lines().filter(l -> l.strip().startsWith(label + " ")).findFirst().orElseThrow()
                .strip().substring(label.length()).strip().split("\\s+")[0];
    }

    /** SIGTERM; Process.destroy() would also close our end of its stdout and we would miss the shutdown log. */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until everything the process wrote has been read. */
    public void awaitOutputClosed() throws InterruptedException {
        for (Thread t : pumps) {
            t.join(10_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private void pump(InputStream in, List<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                    System.out.println("[jar " + name + "] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "jar-" + name);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }
}
