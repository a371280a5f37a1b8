package dev.caravan.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.ingest.Streams;
import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.kafka.Topics;
import dev.caravan.schema.Compatibility;
import dev.caravan.schema.IncompatibleSchemaException;
import dev.caravan.schema.KafkaTopicRegistry;
import dev.caravan.schema.RegistryApi;
import dev.caravan.schema.RemoteSchemaRegistry;
import dev.caravan.schema.SchemaRegistry;
import dev.caravan.schema.SchemaRegistryException;
import dev.caravan.schema.StreamFormats;
import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.MongoSinkSettings;
import dev.caravan.settings.SchemaSettings;
import dev.caravan.settings.SettingsCatalogue;
import dev.caravan.settings.StartupFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flows (routes/flows/, one file per record type) and how their records travel: streams, JSON or Avro per flow,
 * schema ids from a registry (remote, or a Kafka topic), and each flow's topics, created before its first record.
 */
final class FlowsConfiguration extends Capability {

    private static final Logger LOG = LoggerFactory.getLogger(FlowsConfiguration.class);

    @Override
    void wire(Wiring w) throws Exception {
        KafkaClientConfig kafka = w.kafka();
        // everything that depends on record types reads the flows; they are read from the route files once those
        // are loaded (FlowsSetup), then after each reload
        Flows flows = w.bind("flows", new Flows(w.context()));
        w.bind("streams", Streams.of(flows, w.context()));
        SchemaRegistry schemaRegistry = w.bind("schemaRegistry", schemaRegistry(w, kafka));
        w.closeOnStop(schemaRegistry);
        StreamFormats formats = w.bind("streamFormats", StreamFormats.of(flows, w.context(), schemaRegistry));
        w.bind("registryApi", new RegistryApi(schemaRegistry));
        // a flow's topic exists before its first record, so no request pays for its creation, and so does its
        // dead-letter topic: a first dead letter racing its topic's creation was retried by the idempotent producer
        // into OutOfOrderSequence errors until its timeout; Avro flows register
        String dlqSuffix = w.get(MongoSinkSettings.DLQ_SUFFIX);
        flows.onChange(f -> {
            List<String> topics = new ArrayList<>(f.all().stream().map(Flow::topic).toList());
            f.mongoTopics().forEach(t -> topics.add(t + dlqSuffix));
            Topics.ensure(kafka, topics, w.get(IngestSettings.TIMEOUT));
            registerAvroSchemas(formats);
        });
    }

    /** The registry at caravan.schema.registry.url when one is set, else the embedded one in a Kafka topic. */
    private static SchemaRegistry schemaRegistry(Wiring w, KafkaClientConfig kafka) {
        Compatibility global = compatibility(w);
        Duration timeout = w.get(SchemaSettings.REGISTRY_TIMEOUT);
        String url = w.get(SchemaSettings.REGISTRY_URL).trim();
        if (!url.isEmpty()) {
            try {
                return new RemoteSchemaRegistry(url, w.get(SchemaSettings.REGISTRY_USER),
                        w.get(SchemaSettings.REGISTRY_PASSWORD), timeout);
            } catch (IllegalArgumentException e) {
                // the message never quotes the URL, which may hold a password
                throw new StartupFailure("caravan.schema.registry.url (SCHEMA_REGISTRY_URL): " + e.getMessage());
            }
        }
        return new KafkaTopicRegistry(kafka, w.get(SchemaSettings.REGISTRY_TOPIC),
                timeout, subject -> {
                    String own = w.settings().find(SettingsCatalogue.SUBJECT_COMPATIBILITY.key(subject)).orElse("");
                    try {
                        return own.isEmpty() ? global : Compatibility.of(own);
                    } catch (IllegalArgumentException e) {
                        // a typo in one subject's rule refuses its registrations, not Caravan's start
                        throw new SchemaRegistryException(SettingsCatalogue.SUBJECT_COMPATIBILITY.key(subject) + ": "
                                + e.getMessage(), 0);
                    }
                });
    }

    /** The default rule of the embedded registry; a name that is not a rule stops start-up with one line. */
    private static Compatibility compatibility(Wiring w) {
        try {
            return Compatibility.of(w.get(SchemaSettings.COMPATIBILITY));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("caravan.schema.compatibility: " + e.getMessage());
        }
    }

    /**
     * Avro streams register their schemas at start-up: a schema the registry refuses as incompatible stops Caravan
     * with the field named; a registry that cannot be reached yet is retried on first use.
     */
    private static void registerAvroSchemas(StreamFormats formats) {
        for (StreamFormats.Stream s : formats.all()) {
            if (!s.avro()) {
                continue;
            }
            try {
                int id = formats.schemaId(s);
                LOG.info("Stream {} ({}) is Avro: schema {} has id {} in {}", s.name(), s.topic(),
                        s.schema().getFullName(), id, formats.registry().describe());
            } catch (IncompatibleSchemaException e) {
                throw new StartupFailure("stream " + s.name() + ": the registry refuses its Avro schema: "
                        + e.getMessage());
            } catch (SchemaRegistryException e) {
                LOG.warn("Stream {}: its Avro schema is not registered yet ({}); the first record tries again",
                        s.name(), e.getMessage());
            }
        }
    }
}
