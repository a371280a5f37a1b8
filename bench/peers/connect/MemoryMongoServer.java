import java.util.List;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The external MongoDB of bench/peers-mongo-sink.sh: mongo-java-server with its in-memory backend, in a JVM of its
 * own. Run as {@code java -cp caravan.jar:mongo-java-server-memory-backend.jar:DIR MemoryMongoServer.java PORT}, with
 * PeerKit compiled into DIR.
 */
public class MemoryMongoServer {

    /** MongoDB 5.0 on wire version 13, as Caravan's embedded server reports: current drivers refuse wire 8. */
    static final MongoVersion VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    public static void main(String[] args) throws Exception {
        MemoryBackend backend = new MemoryBackend();
        backend.version(VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", Integer.parseInt(args[0]));
        PeerKit.serveUntilStopped(server.getLocalAddress(), server::shutdown);
    }
}
