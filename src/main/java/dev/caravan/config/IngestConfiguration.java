package dev.caravan.config;

import java.time.Clock;

import dev.caravan.embedded.Connections;
import dev.caravan.ingest.DoorRecord;
import dev.caravan.ingest.IdempotencyKeys;
import dev.caravan.ingest.IngestSteps;
import dev.caravan.ingest.JsonObjectCheck;
import dev.caravan.ingest.KafkaPublisher;
import dev.caravan.ingest.OpenApiDocument;
import dev.caravan.ingest.Receipt;
import dev.caravan.ingest.RecordEncoder;
import dev.caravan.ingest.RecordsParser;
import dev.caravan.ingest.RestProxyErrors;
import dev.caravan.ingest.RestProxyV2;
import dev.caravan.ingest.StreamIngest;
import dev.caravan.ingest.Streams;
import dev.caravan.schema.StreamFormats;
import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.Settings;

/** The doors records come in by: the streams API, the REST proxy, the seeds' doors; idempotency keys; the producer. */
final class IngestConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        Streams streams = w.bean("streams", Streams.class);
        StreamFormats formats = w.formats();
        Connections c = w.connections();
        w.bind("jsonObjectCheck", new JsonObjectCheck());
        w.bind("receipt", new Receipt());
        w.bind("doorRecord", new DoorRecord());
        RecordsParser parser = new RecordsParser(w.get(IngestSettings.MAX_RECORDS));
        int retryAfter = (int) w.get(IngestSettings.RETRY_AFTER).toSeconds();
        RecordEncoder encoder = new RecordEncoder(formats, retryAfter);
        w.bind("restProxy", new RestProxyV2(streams, parser, encoder));
        w.bind("restProxyErrors", new RestProxyErrors());
        w.bind("openApiDocument", new OpenApiDocument(streams));
        IdempotencyKeys idempotencyKeys = new IdempotencyKeys(
                w.mongo().getDatabase(c.mongoDatabase()).getCollection(w.get(IngestSettings.IDEMPOTENCY_COLLECTION)),
                w.get(IngestSettings.IDEMPOTENCY_WINDOW),
                w.get(IngestSettings.TIMEOUT).multipliedBy(2).plusSeconds(5),
                Clock.systemUTC());
        KafkaPublisher publisher = w.bind("kafkaPublisher", new KafkaPublisher(
                w.kafka(),
                w.get(IngestSettings.TIMEOUT),
                w.get(IngestSettings.TRANSACTIONAL_PRODUCERS),
                w.find(IngestSettings.TRANSACTIONAL_ID_PREFIX).orElse("caravan-ingest-" + hostName() + "-"
                        + w.settings().find(Settings.ACTIVE_HTTP_PORT).orElse("0")),
                (int) w.get(IngestSettings.TRANSACTION_TIMEOUT).toMillis(),
                retryAfter));
        w.closeOnStop(publisher);
        IngestSteps.bind(w.context().getRegistry(), new StreamIngest(streams, parser, encoder), publisher,
                idempotencyKeys);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
