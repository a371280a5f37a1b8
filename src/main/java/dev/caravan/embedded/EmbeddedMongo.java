package dev.caravan.embedded;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoServer;

/** A MongoDB wire-protocol server backed by an H2 MVStore file, so documents survive a restart. */
public final class EmbeddedMongo implements AutoCloseable {

    private final Path file;
    private final String host;
    private final int port;
    private DurableH2Backend backend;
    private MongoServer server;
    private InetSocketAddress address;

    public EmbeddedMongo(Path file, String host, int port) {
        this.file = file;
        this.host = host;
        this.port = port;
    }

    public void start() throws Exception {
        Files.createDirectories(file.getParent());
        backend = new DurableH2Backend(file.toAbsolutePath().toString());
        server = new MongoServer(backend);
        server.bind(host, port);
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
