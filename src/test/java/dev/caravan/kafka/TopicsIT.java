package dev.caravan.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import dev.caravan.testing.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topics Caravan creates can be written the moment ensure returns. */
class TopicsIT {

    @RegisterExtension
    static final LocalKafka kafka = new LocalKafka(3);

    /**
     * A produce request that reaches a partition before its leader opened it is refused and retried, and an
     * idempotent producer's later request can overtake it, after which the retry is refused as out of order until it
     * expires (KAFKA-15591): Caravan's first records after a start waited 10 s and were answered 503. So ensure
     * returns only once every partition it created is open; a producer that never retries shows any that is not.
     */
    @Test
    void everyPartitionItCreatedTakesAFirstWriteWithoutARetry() throws Exception {
        List<String> names = IntStream.range(0, 20).mapToObj(i -> "fresh-" + i).toList();
        assertThat(Topics.ensure(KafkaClientConfig.plain(kafka.bootstrapServers()), names, Duration.ofSeconds(30)))
                .isTrue();
        assertThat(firstWritesRefused(names)).isEmpty();
    }

    /** Topics someone else created a moment before (an operator, another replica) are waited for in the same way. */
    @Test
    void topicsThatExistAlreadyAreWaitedForToo() throws Exception {
        List<String> names = IntStream.range(0, 20).mapToObj(i -> "theirs-" + i).toList();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, 3, (short) 1)).toList()).all().get();
        }
        assertThat(Topics.ensure(KafkaClientConfig.plain(kafka.bootstrapServers()), names, Duration.ofSeconds(30)))
                .isTrue();
        assertThat(firstWritesRefused(names)).isEmpty();
    }

    /** One record to each of the topics' 3 partitions from a producer that never retries: the refusals. */
    private static List<String> firstWritesRefused(List<String> names) throws InterruptedException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.RETRIES_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        List<String> refused = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String topic : names) {
                for (int partition = 0; partition < 3; partition++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, partition, "k", "first")));
                }
            }
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    refused.add(e.getCause().toString());
                }
            }
        }
        return refused;
    }
}
