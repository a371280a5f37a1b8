package dev.caravan.schema;

import java.util.List;

import org.apache.avro.Schema;

/**
 * Where schema ids come from and go back to: the Confluent Schema Registry REST API when SCHEMA_REGISTRY_URL is set
 * ({@link RemoteSchemaRegistry}), else a compacted Kafka topic on the same cluster ({@link KafkaTopicRegistry}).
 * Subjects follow Confluent's TopicNameStrategy: {@code <topic>-value}.
 */
public interface SchemaRegistry extends AutoCloseable {

    /**
     * The id of schema under subject: registered on first use (after the subject's compatibility check), the same id
     * afterwards. Throws {@link IncompatibleSchemaException} naming the field when the check fails, and
     * {@link SchemaRegistryException} when the registry cannot be reached or refuses.
     */
    int register(String subject, Schema schema);

    /** The schema registered under id, or null when the registry has no such id. */
    Schema byId(int id);

    /** Every subject, sorted. */
    List<String> subjects();

    /** The versions of a subject, oldest first; empty when the subject is unknown. */
    List<Integer> versions(String subject);

    /** One version of a subject ({@code version} -1 is the latest), or null when there is none. */
    Registered version(String subject, int version);

    /** The compatibility rule new versions of subject are checked against. */
    Compatibility compatibility(String subject);

    /** The rule of subjects that have none of their own (GET /config). */
    Compatibility defaultCompatibility();

    /** Where the schemas are kept, for logs and the console (never with credentials). */
    String describe();

    @Override
    default void close() {
    }

    /** A subject's version: what GET /subjects/{subject}/versions/{version} answers. */
    record Registered(String subject, int version, int id, Schema schema) {
    }

    /** The subject of a topic's record values under TopicNameStrategy. */
    static String valueSubject(String topic) {
        return topic + "-value";
    }
}
