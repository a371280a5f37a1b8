// The limit of the path: a minimal Java HTTP server (the JDK's) that puts each posted body on Kafka with a plain
// KafkaProducer (acks=all, idempotent) and answers 202 after the acknowledgement, with no parsing, schema or headers.
//   java -Dsun.net.httpserver.nodelay=true -cp target/caravan.jar bench/peers/PlainHttpProducer.java PORT BROKERS TOPIC [no-wait]
// no-wait answers 202 as soon as the record is handed to the producer: what the synchronous guarantee costs
// (nodelay: the JDK server writes headers and body apart, and Nagle with delayed ACKs would add 40 ms to each)
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class PlainHttpProducer {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Properties p = new Properties();
        p.put("bootstrap.servers", args[1]);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        String topic = args[2];
        boolean wait = args.length < 4 || !args[3].equals("no-wait");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.createContext("/health", ex -> answer(ex, 200, "ok"));
        server.createContext("/api/v1/streams/pins", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                byte[] body = in.readAllBytes();
                var sent = producer.send(new ProducerRecord<>(topic, null, body));
                if (!wait) {
                    answer(ex, 202, "{\"topic\":\"" + topic + "\"}");
                    return;
                }
                RecordMetadata m = sent.get();
                answer(ex, 202, "{\"topic\":\"" + m.topic() + "\",\"partition\":" + m.partition() + ",\"offset\":"
                        + m.offset() + "}");
            } catch (Exception e) {
                answer(ex, 503, "{\"title\":\"Service Unavailable\"}");
            }
        });
        // one thread per connection the load generator opens: blocking sends, as the simplest server would
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.start();
        System.out.println("plain HTTP->Kafka producer on " + port);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
