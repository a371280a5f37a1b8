package dev.caravan.schema;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.kafka.LazyAdmin;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default registry: every registration is one record of a compacted, single-partition Kafka topic on the
 * cluster Caravan already uses (as Confluent's registry keeps its {@code _schemas} topic), read from the start when
 * first needed. Ids are schema fingerprints ({@link SchemaIds}), so instances never need to agree on a counter; a
 * subject's versions are numbered in the order its schemas first appear in the topic, which every reader sees alike.
 * Registrations racing on two instances are not serialised: fine for development and small clusters, and the README
 * says production should run a real registry.
 */
public final class KafkaTopicRegistry implements SchemaRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // an id nobody registered is looked for again at most this often, so a poison batch does not hammer the broker
    private static final long MISS_REFRESH_MS = 500;

    private final KafkaClientConfig kafka;
    private final String topic;
    private final Duration timeout;
    private final Function<String, Compatibility> compatibility;
    private final TopicPartition partition;

    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, List<Registered>> subjects = new ConcurrentHashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private long position;
    private final Map<Integer, Long> lastMiss = new java.util.HashMap<>();
    private boolean loaded;

    public KafkaTopicRegistry(KafkaClientConfig kafka, String topic, Duration timeout,
            Function<String, Compatibility> compatibility) {
        this.kafka = kafka;
        this.topic = topic;
        this.timeout = timeout;
        this.compatibility = compatibility;
        this.partition = new TopicPartition(topic, 0);
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer known = find(subject, schema);
        if (known != null) {
            return known;
        }
        synchronized (this) {
            refresh();
            known = find(subject, schema);
            if (known != null) {
                return known;
            }
            int id = SchemaIds.of(schema);
            Schema holder = byId.get(id);
            if (holder != null && SchemaIds.collides(holder, schema)) {
                throw new SchemaRegistryException("subject " + subject + ": schema " + schema.getFullName()
                        + " has the same id (" + id + ") as " + holder.getFullName() + " but encodes differently;"
                        + " change a field name or add one to tell them apart", 409);
            }
            List<Schema> previous = subjects.getOrDefault(subject, List.of()).stream().map(Registered::schema).toList();
            Compatibility rule = compatibility(subject);
            CompatibilityResult result = rule.check(schema, previous);
            if (!result.isCompatible()) {
                throw new IncompatibleSchemaException("subject " + subject + " (" + rule + "): " + result.message());
            }
            write(subject, id, schema);
            refresh();
            Integer registered = find(subject, schema);
            if (registered == null) {
                throw new SchemaRegistryException("subject " + subject + ": the registration was written to " + topic
                        + " but not read back", 0);
            }
            LOG.info("Registered schema {} as id {} under {}", schema.getFullName(), registered, subject);
            return registered;
        }
    }

    @Override
    public Schema byId(int id) {
        if (!byId.containsKey(id)) {
            refreshOnMiss(id);
        }
        return byId.get(id);
    }

    /** Reads the topic again for an unknown id: per id, a flood of it is throttled, a new id is still found. */
    private synchronized void refreshOnMiss(int id) {
        long now = System.currentTimeMillis();
        Long last = lastMiss.get(id);
        if (!loaded || last == null || now - last >= MISS_REFRESH_MS) {
            if (lastMiss.size() > 10_000) {
                lastMiss.clear();
            }
            lastMiss.put(id, now);
            refresh();
        }
    }

    @Override
    public List<String> subjects() {
        loadOnce();
        return subjects.keySet().stream().sorted().toList();
    }

    @Override
    public List<Integer> versions(String subject) {
        loadOnce();
        return subjects.getOrDefault(subject, List.of()).stream().map(Registered::version).toList();
    }

    @Override
    public Registered version(String subject, int version) {
        loadOnce();
        List<Registered> all = subjects.getOrDefault(subject, List.of());
        if (all.isEmpty()) {
            return null;
        }
        if (version == -1) {
            return all.get(all.size() - 1);
        }
        return version >= 1 && version <= all.size() ? all.get(version - 1) : null;
    }

    @Override
    public Compatibility compatibility(String subject) {
        return compatibility.apply(subject);
    }

    @Override
    public Compatibility defaultCompatibility() {
        return compatibility.apply("");
    }

    @Override
    public String describe() {
        return "Kafka topic " + topic + " (embedded registry)";
    }

    private Integer find(String subject, Schema schema) {
        int id = SchemaIds.of(schema);
        String canonical = SchemaIds.canonical(schema);
        for (Registered r : subjects.getOrDefault(subject, List.of())) {
            if (r.id() == id && SchemaIds.canonical(r.schema()).equals(canonical)) {
                return id;
            }
        }
        return null;
    }

    private synchronized void loadOnce() {
        if (!loaded) {
            refresh();
        }
    }

    /** Reads the topic from where the last read stopped up to its end. */
    private synchronized void refresh() {
        try {
            if (consumer == null) {
                ensureTopic();
                consumer = new KafkaConsumer<>(kafka.consumer(Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, "caravan-schemas-reader",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
                // no group: the whole topic is every instance's state, read from offset 0
                consumer.assign(List.of(partition));
                if (position == 0) {
                    consumer.seekToBeginning(List.of(partition));
                    position = consumer.position(partition, timeout);
                } else {
                    // a reader re-created after an outage goes on where the last one stopped
                    consumer.seek(partition, position);
                }
            }
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (position < end) {
                if (System.nanoTime() > deadline) {
                    throw new SchemaRegistryException("reading " + topic + " did not reach offset " + end + " within "
                            + timeout.toMillis() + " ms", 0);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                position = consumer.position(partition, timeout);
            }
            loaded = true;
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            // what was read stays known: records already decoded by it keep decoding during the outage
            closeConsumer();
            throw new SchemaRegistryException("the schema topic " + topic + " cannot be read: " + e.getMessage(), 0, e);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            JsonNode v = JSON.readTree(r.value());
            String subject = v.path("subject").asText();
            int id = v.path("id").asInt();
            Schema schema = new Schema.Parser().parse(v.path("schema").asText());
            Schema holder = byId.putIfAbsent(id, schema);
            if (holder != null && SchemaIds.collides(holder, schema)) {
                LOG.warn("Schema topic {} offset {}: id {} is taken by another schema; ignored", topic, r.offset(), id);
                return;
            }
            List<Registered> versions = subjects.computeIfAbsent(subject, s -> new CopyOnWriteArrayList<>());
            if (versions.stream().noneMatch(x -> x.id() == id)) {
                versions.add(new Registered(subject, versions.size() + 1, id, schema));
            }
        } catch (Exception e) {
            LOG.warn("Schema topic {} offset {} is not a registration and is skipped: {}", topic, r.offset(),
                    e.getMessage());
        }
    }

    private void write(String subject, int id, Schema schema) {
        try {
            if (producer == null) {
                Map<String, Object> own = new java.util.HashMap<>();
                own.put(ProducerConfig.CLIENT_ID_CONFIG, "caravan-schemas-writer");
                own.put(ProducerConfig.ACKS_CONFIG, "all");
                own.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                own.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
                own.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
                own.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1);
                own.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                own.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                own.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                producer = new KafkaProducer<>(kafka.producer(own));
            }
            ObjectNode key = JSON.createObjectNode().put("subject", subject).put("id", id);
            ObjectNode value = key.deepCopy().put("schema", schema.toString());
            producer.send(new ProducerRecord<>(topic, 0, JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(value)))
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while registering under " + subject, 0, e);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new SchemaRegistryException("the schema topic " + topic + " did not take the registration of "
                    + subject + ": " + cause.getMessage(), 0, cause);
        }
    }

    /** Compacted, so the topic keeps every registration for ever in little space; one partition, so one order. */
    private void ensureTopic() {
        try (Admin admin = Admin.create(LazyAdmin.config(kafka, timeout, "caravan-schemas-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(new TreeMap<>(Map.of("cleanup.policy", "compact")))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created the schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new SchemaRegistryException("the schema topic " + topic + " cannot be created: "
                        + e.getCause().getMessage(), 0, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while creating " + topic, 0, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SchemaRegistryException("the schema topic " + topic + " was not created within "
                    + timeout.toMillis() + " ms", 0, e);
        }
    }

    private synchronized void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debug("Closing the schema topic reader failed: {}", e.toString());
            }
            consumer = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConsumer();
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
            producer = null;
        }
    }
}
