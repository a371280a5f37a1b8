package dev.caravan.sink.mongo;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.flow.Rules;
import dev.caravan.schema.SchemaRegistryException;
import dev.caravan.sink.CurrentHandOuts;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.Registry;
import org.bson.Document;

/**
 * The MongoDB sink's stages, each a step over a whole batch (routes/sink/streams-to-mongo.camel.yaml) or over a flow's
 * share of it (the flow template's route): no exchange per record. A record that fails a stage becomes a dead letter
 * naming it and takes no further stage; an outage that is not the record's (the schema registry not answering) fails
 * the step, which is retried, and a retried step skips the records that already passed it.
 */
public final class SinkStages {

    /** One stage's work on one record: what the record becomes. */
    @FunctionalInterface
    interface Stage {
        Object apply(SinkRecord record) throws Exception;
    }

    private SinkStages() {
    }

    /** Binds the steps under the names the routes' {@code process} steps refer to. */
    public static void bind(Registry registry, Flows flows, RecordParser parser, MongoWrites writes) {
        registry.bind("sinkBatchByFlow", Processor.class, byFlow(flows));
        registry.bind("parseSinkRecords", Processor.class, stage("parse", null,
                r -> parser.parse((byte[]) r.value(), r.source().topic())));
        registry.bind("checkSinkFieldNames", Processor.class, stage("validate", "parse",
                r -> parser.checkFieldNames(map(r.value()))));
        registry.bind("cleanSinkRecords", Processor.class, stage("clean", "validate",
                r -> r.flow().rules().clean(map(r.value()), meta(r.source()))));
        registry.bind("pendingSinkWrites", Processor.class, stage("write", "clean",
                r -> writes.pending((Document) r.value(), r.flow(), r.source())));
    }

    /** The batch (exchange property records) into a SinkBatch of flow shares; a topic no flow reads fails at route. */
    static Processor byFlow(Flows flows) {
        return exchange -> {
            @SuppressWarnings("unchecked")
            List<Exchange> polled = exchange.getProperty(CurrentHandOuts.RECORDS, List.class);
            SinkBatch batch = new SinkBatch();
            Map<Flow, FlowBatch> shares = new LinkedHashMap<>();
            for (Exchange polledRecord : polled) {
                SourceRecord source = source(polledRecord.getMessage());
                Flow flow = flows.ofTopic(source.topic());
                SinkRecord record = new SinkRecord(source, flow);
                batch.add(record);
                if (flow == null) {
                    record.fail("route", new IllegalArgumentException("no flow reads topic " + source.topic()));
                } else {
                    shares.computeIfAbsent(flow, FlowBatch::new).records().add(record);
                }
            }
            batch.shares().addAll(shares.values());
            exchange.getMessage().setBody(batch);
        };
    }

    /** A stage over a flow's share: each record that passed {@code after} and nothing since. */
    static Processor stage(String name, String after, Stage work) {
        return exchange -> {
            for (SinkRecord r : exchange.getMessage().getBody(FlowBatch.class).records()) {
                if (r.failure() != null || !java.util.Objects.equals(r.passed(), after)) {
                    continue;
                }
                try {
                    r.pass(name, work.apply(r));
                } catch (SchemaRegistryException outage) {
                    throw outage; // the registry is down, the record may be fine: retried, never dead-lettered
                } catch (Exception e) {
                    r.fail(name, e);
                }
            }
        };
    }

    /** A polled Kafka record as it came: coordinates, key, value bytes and the redrive's attempt count. */
    static SourceRecord source(Message m) {
        Object key = m.getHeader(KafkaConstants.KEY);
        byte[] keyBytes = key == null ? null : key instanceof byte[] b ? b : key.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> headers = new HashMap<>();
        if (m.getHeader("caravan.attempts") instanceof byte[] b) {
            headers.put("caravan.attempts", b);
        }
        return new SourceRecord(m.getHeader(KafkaConstants.TOPIC, String.class),
                m.getHeader(KafkaConstants.PARTITION, Integer.class), m.getHeader(KafkaConstants.OFFSET, Long.class),
                keyBytes, m.getBody(byte[].class), headers);
    }

    private static Rules.Meta meta(SourceRecord s) {
        return new Rules.Meta(s.topic(), s.partition(), s.offset(),
                s.key() == null ? null : new String(s.key(), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
