package dev.caravan.sink.mongo;

import java.util.Map;

import dev.caravan.flow.FlowSteps;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.Registry;
import org.bson.Document;

/**
 * The per-record steps of the flow template's MongoDB stage (routes/templates/flow.camel.yaml) as processors. Every
 * record of every batch runs them, and a bean step with expression arguments cost a method lookup and the
 * arguments' evaluation per record (a tenth of the sink's CPU).
 */
public final class SinkSteps {

    private SinkSteps() {
    }

    /** Binds each step under the name the template's {@code process} steps refer to. */
    public static void bind(Registry registry, RecordParser parser, MongoWrites writes) {
        bind(registry, "parseSinkRecord", e -> e.getMessage().setBody(parser.parse(e.getMessage().getBody(byte[].class),
                e.getMessage().getHeader(KafkaConstants.TOPIC, String.class))));
        bind(registry, "checkSinkFieldNames", e -> parser.checkFieldNames(map(e)));
        bind(registry, "pendingSinkWrite", e -> e.getMessage().setBody(writes.pending(
                e.getMessage().getBody(Document.class), e.getProperty(FlowSteps.FLOW, String.class), e)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Exchange e) {
        return e.getMessage().getBody(Map.class);
    }

    private static void bind(Registry registry, String name, Processor step) {
        registry.bind(name, Processor.class, step);
    }
}
