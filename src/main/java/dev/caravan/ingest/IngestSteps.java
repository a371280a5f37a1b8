package dev.caravan.ingest;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The steps of routes/ingest/streams.camel.yaml as processors. Every POST runs them, and a bean step with expression
 * arguments cost a method lookup and expression evaluations per request (an eighth of the path's CPU).
 */
public final class IngestSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestSteps() {
    }

    /** Binds each step under the name the route's {@code process} steps refer to. */
    public static void bind(Registry registry, StreamIngest ingest, KafkaPublisher publisher, IdempotencyKeys keys) {
        bind(registry, "checkStreamMediaType", e -> ingest.checkMediaType(header(e, "Content-Type")));
        bind(registry, "beginIdempotentRequest", keys::begin);
        bind(registry, "prepareStreamBatch", e -> {
            IngestBatch batch = ingest.prepare(header(e, "stream"), header(e, "Content-Type"),
                    e.getMessage().getBody(byte[].class), answer(e));
            e.setProperty("batch", batch);
            e.getMessage().setBody(batch);
        });
        bind(registry, "publishStreamBatch", e -> e.getMessage().setBody(
                publisher.publish(e.getMessage().getBody(IngestBatch.class))));
        bind(registry, "streamReceipt", e -> {
            @SuppressWarnings("unchecked")
            List<RecordMetadata> metadata = e.getMessage().getBody(List.class);
            IngestBatch batch = e.getProperty("batch", IngestBatch.class);
            e.getMessage().setBody(JSON.writeValueAsString(ingest.receipt(batch, metadata, answer(e))));
        });
        bind(registry, "completeIdempotentRequest", keys::complete);
    }

    private static void bind(Registry registry, String name, Processor step) {
        registry.bind(name, Processor.class, step);
    }

    private static String header(Exchange e, String name) {
        return e.getMessage().getHeader(name, String.class);
    }

    /** "inbox" when the request came through POST /api/v1/inbox (routes/flows/inbox.camel.yaml). */
    private static String answer(Exchange e) {
        return e.getProperty("caravanAnswer", String.class);
    }
}
