import java.nio.file.Path;

import dev.caravan.embedded.EmbeddedMongo;

/**
 * Caravan's embedded MongoDB (mongo-java-server on an H2 file) in a JVM of its own, for bench/metrics-scale.sh's
 * external-h2 mode. Run as {@code java -cp caravan.jar:DIR FileMongoServer.java FILE PORT}, with PeerKit compiled into
 * DIR.
 */
public class FileMongoServer {

    public static void main(String[] args) throws Exception {
        EmbeddedMongo server = new EmbeddedMongo(Path.of(args[0]), "127.0.0.1", Integer.parseInt(args[1]));
        server.start();
        PeerKit.serveUntilStopped(server.connectionString(), server::close);
    }
}
