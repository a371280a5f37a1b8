package dev.caravan.embedded;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;

/** A MongoDB wire-protocol server backed by an H2 MVStore file, so documents survive a restart. */
public final class EmbeddedMongo implements AutoCloseable {

    /**
     * The server version the embedded server reports: MongoDB 5.0 (wire version 13), what its library implements
     * (its own 5.0 constant reports wire 8, which today's drivers, mongosh 2.x and Compass refuse: they need 9).
     */
    static final MongoVersion VERSION = new MongoVersion() {
        @Override
        public java.util.List<Integer> getVersionArray() {
            return java.util.List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    private final Path file;
    private final String host;
    private final int port;
    private DurableH2Backend backend;
    private MongoServer server;
    private InetSocketAddress address;

    /**
     * The server answers each command on the network thread of its connection (netty's event loop), and a connection
     * keeps its thread: with netty's default of two per core, a pipeline of minutes held every client that shared
     * its thread, the drivers' heartbeats included, which then took the server for down. With this many, connections
     * share a thread only past this count (Caravan opens a few dozen).
     */
    static final int NETWORK_THREADS = 64;

    private final java.util.function.Function<String, DurableH2Backend> backends;

    public EmbeddedMongo(Path file, String host, int port) {
        this(file, host, port, DurableH2Backend::new);
    }

    /** With a backend of the test's making (a seam). */
    EmbeddedMongo(Path file, String host, int port, java.util.function.Function<String, DurableH2Backend> backends) {
        this.file = file;
        this.host = host;
        this.port = port;
        this.backends = backends;
    }

    public void start() throws Exception {
        Files.createDirectories(file.getParent());
        backend = backends.apply(file.toAbsolutePath().toString());
        backend.version(VERSION);
        server = new MongoServer(backend);
        server.bind(new InetSocketAddress(host, port), 1, NETWORK_THREADS);
        address = server.getLocalAddress();
    }

    public String connectionString() {
        return "mongodb://" + host + ":" + address.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            // shutdown() closes the backend too, which commits and closes the MVStore file
            server.shutdown();
            server = null;
        }
    }
}
