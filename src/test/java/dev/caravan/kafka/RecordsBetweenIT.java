package dev.caravan.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;

import dev.caravan.testing.LocalKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transactional batch ends in a commit marker: an offset that holds no record. Counting records, not offsets, is what
 * keeps a sink that wrote everything from showing a lag (or the lake a gap) of one per transaction.
 */
class RecordsBetweenIT {

    private static final TopicPartition TP = new TopicPartition("records-between-it", 0);

    @RegisterExtension
    static final LocalKafka kafka = new LocalKafka(1);
    static RecordsBetween records;

    @BeforeAll
    static void start() throws Exception {
        kafka.createTopic(TP.topic(), 1);
        records = new RecordsBetween(KafkaClientConfig.plain(kafka.bootstrapServers()), Duration.ofSeconds(10), 100);
    }

    @Test
    void aCommittedTransactionsMarkerIsNoRecordAndAnOpenTransactionIsNotSettled() {
        try (KafkaProducer<String, String> producer = transactional()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TP.topic(), 0, "a", "1"));
            producer.send(new ProducerRecord<>(TP.topic(), 0, "b", "2"));
            producer.commitTransaction(); // offsets 0 and 1, the marker at 2

            assertThat(records.count(TP, 0, 3)).isEqualTo(2);
            assertThat(records.count(TP, 2, 3)).as("only the marker").isZero();
            assertThat(records.count(TP, 3, 3)).isZero();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TP.topic(), 0, "c", "3")); // offset 3, not committed yet
            producer.flush();
            assertThat(records.count(TP, 3, 4)).as("an open transaction's record counts until it settles").isOne();
            producer.abortTransaction(); // the abort marker at 4

            assertThat(records.count(TP, 3, 5)).as("an aborted record and its marker").isZero();
        }
    }

    @Test
    void aRangeLongerThanTheScanLimitIsAnsweredByItsLength() {
        assertThat(records.count(TP, 0, 1_000)).isEqualTo(1_000);
    }

    private static KafkaProducer<String, String> transactional() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "records-between-it");
        return new KafkaProducer<>(p);
    }
}
