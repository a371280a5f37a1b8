package dev.caravan.flow;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The steps the flow template's route runs for each record, as processors (no per-record expression evaluation):
 * which flow a topic's record belongs to, and the flow's cleaning. Parsing, the field-name check and the write are
 * the sink's own beans.
 */
public final class FlowSteps {

    /** Exchange property naming the record's flow. */
    public static final String FLOW = "caravanFlow";

    private FlowSteps() {
    }

    /** The router's step: the flow whose topic the record came from; a topic no flow reads is the record's failure. */
    public static Processor route(Flows flows) {
        return exchange -> {
            String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
            Flow flow = flows.ofTopic(topic);
            if (flow == null) {
                throw new IllegalArgumentException("no flow reads topic " + topic);
            }
            exchange.setProperty(FLOW, flow.name());
        };
    }

    /** The clean stage: the record (a map) into its flow's cleaned document. */
    public static Processor clean(Flows flows) {
        return exchange -> {
            Flow flow = flows.named(exchange.getProperty(FLOW, String.class));
            if (flow == null) {
                throw new IllegalStateException("no flow named " + exchange.getProperty(FLOW));
            }
            var m = exchange.getMessage();
            @SuppressWarnings("unchecked")
            Map<String, Object> record = m.getBody(Map.class);
            Object key = m.getHeader(KafkaConstants.KEY);
            m.setBody(flow.rules().clean(record, new Rules.Meta(m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, 0, Integer.class),
                    m.getHeader(KafkaConstants.OFFSET, -1L, Long.class),
                    key == null ? null : key instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                            : key.toString())));
        };
    }

}
