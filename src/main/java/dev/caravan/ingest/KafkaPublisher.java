package dev.caravan.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.api.ProblemException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an ingest batch and returns only once Kafka acknowledged every record (acks=all, idempotent producer).
 * A batch of several records is one Kafka transaction, so a broker failure half-way leaves nothing visible to
 * read_committed consumers. Camel's kafka producer keeps one transaction per endpoint at a time, which would serialise
 * concurrent requests: this keeps a small pool of transactional producers instead. A single record needs no
 * transaction and goes through one shared idempotent producer.
 */
public final class KafkaPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPublisher.class);

    private final KafkaClientConfig kafka;
    private final Map<String, Object> baseConfig;
    private final Duration timeout;
    private final int retryAfterSeconds;
    private final String transactionalIdPrefix;
    private final BlockingQueue<Slot> pool;
    private volatile Producer<String, byte[]> single;

    public KafkaPublisher(KafkaClientConfig kafka, Duration timeout, int poolSize, String transactionalIdPrefix,
            int transactionTimeoutMs, int retryAfterSeconds) {
        this.timeout = timeout;
        this.retryAfterSeconds = retryAfterSeconds;
        this.transactionalIdPrefix = transactionalIdPrefix;
        long t = timeout.toMillis();
        this.kafka = kafka;
        this.baseConfig = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                // every wait of the producer ends within the ingest timeout, so a dead broker is a 503, not a hang
                ProducerConfig.MAX_BLOCK_MS_CONFIG, t,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, t / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(t, Math.max(1000, t / 2) + 2),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.pool = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            pool.add(new Slot(transactionalIdPrefix + "-" + i));
        }
    }

    /** Publishes every record of the batch, in order; the metadata list is in input order. */
    public List<RecordMetadata> publish(IngestBatch batch) {
        return batch.size() == 1 ? publishOne(batch) : publishTransaction(batch);
    }

    private List<RecordMetadata> publishOne(IngestBatch batch) {
        IngestBatch.Keyed r = batch.records().get(0);
        try {
            Future<RecordMetadata> f = singleProducer().send(new ProducerRecord<>(batch.stream().topic(), r.key(), r.value()));
            // the producer's own delivery timeout ends the wait; the margin only covers a stuck callback
            return List.of(f.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(batch, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw unavailable(batch, e);
        }
    }

    private List<RecordMetadata> publishTransaction(IngestBatch batch) {
        Slot slot;
        try {
            slot = pool.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(batch, e);
        }
        if (slot == null) {
            throw unavailable(batch, new TimeoutException("every transactional producer stayed busy"));
        }
        try {
            Producer<String, byte[]> producer = slot.producer();
            producer.beginTransaction();
            List<Future<RecordMetadata>> futures = new ArrayList<>(batch.size());
            try {
                for (IngestBatch.Keyed r : batch.records()) {
                    futures.add(producer.send(new ProducerRecord<>(batch.stream().topic(), r.key(), r.value())));
                }
                // commit flushes and waits for every acknowledgement; it fails if any send failed
                producer.commitTransaction();
                List<RecordMetadata> metadata = new ArrayList<>(futures.size());
                for (Future<RecordMetadata> f : futures) {
                    metadata.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                }
                return metadata;
            } catch (Exception e) {
                slot.abort();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw unavailable(batch, e);
            }
        } catch (ProblemException e) {
            throw e;
        } catch (RuntimeException e) {
            // the producer could not even start (broker down at initTransactions): make a fresh one next time
            slot.discard();
            throw unavailable(batch, e);
        } finally {
            pool.offer(slot);
        }
    }

    private ProblemException unavailable(IngestBatch batch, Exception cause) {
        LOG.warn("Publishing {} record(s) to {} failed: {}", batch.size(), batch.stream().topic(), cause.toString());
        return new ProblemException(503, "Service Unavailable", "Kafka did not acknowledge the records within "
                + timeout.toSeconds() + " s; nothing was published, retry later", List.of(),
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    private Producer<String, byte[]> singleProducer() {
        Producer<String, byte[]> p = single;
        if (p == null) {
            synchronized (this) {
                if (single == null) {
                    Map<String, Object> own = new java.util.HashMap<>(baseConfig);
                    own.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalIdPrefix + "-single");
                    Properties props = kafka.producer(own);
                    single = new KafkaProducer<>(props);
                }
                p = single;
            }
        }
        return p;
    }

    @Override
    public void close() {
        Duration grace = Duration.ofSeconds(5);
        if (single != null) {
            single.close(grace);
        }
        for (Slot slot : pool) {
            slot.close(grace);
        }
    }

    /** One transactional producer, created on first use and re-created after a fatal error. */
    private final class Slot {
        private final String transactionalId;
        private Producer<String, byte[]> producer;

        Slot(String transactionalId) {
            this.transactionalId = transactionalId;
        }

        Producer<String, byte[]> producer() {
            if (producer == null) {
                Map<String, Object> own = new java.util.HashMap<>(baseConfig);
                own.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
                own.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
                Properties props = kafka.producer(own);
                Producer<String, byte[]> p = new KafkaProducer<>(props);
                try {
                    // also aborts whatever a previous process with this id left open
                    p.initTransactions();
                } catch (RuntimeException e) {
                    p.close(Duration.ZERO);
                    throw e;
                }
                producer = p;
            }
            return producer;
        }

        void abort() {
            try {
                producer.abortTransaction();
            } catch (RuntimeException e) {
                // fenced, or the broker is gone: the coordinator aborts it on timeout or at the next initTransactions
                discard();
            }
        }

        void discard() {
            close(Duration.ZERO);
        }

        void close(Duration grace) {
            if (producer != null) {
                try {
                    producer.close(grace);
                } catch (RuntimeException e) {
                    LOG.debug("Closing {} failed: {}", transactionalId, e.toString());
                }
                producer = null;
            }
        }
    }
}
