package dev.caravan.config;

import java.time.Clock;

import dev.caravan.flow.Flows;
import dev.caravan.settings.ConnectionSettings;
import dev.caravan.settings.HttpSettings;
import dev.caravan.settings.LakeSettings;
import dev.caravan.sink.Ownership;
import dev.caravan.sink.lake.LakeCompactor;
import dev.caravan.sink.lake.LakeKeys;
import dev.caravan.sink.lake.LakeReconcile;
import dev.caravan.sink.lake.LakeStore;
import dev.caravan.sink.lake.LakeWriter;
import dev.caravan.support.Meters;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.s3.S3Client;

/** The lake sink: units of files per partition, manifests, fencing by ownership; its reconcile and compaction. */
final class LakeConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        Flows flows = w.flows();
        Ownership ownership = w.bean("ownership", Ownership.class);
        Meters meters = new Meters(w.context());
        LakeKeys keys = w.bind("lakeKeys", new LakeKeys(w.get(ConnectionSettings.S3_PREFIX)));
        LakeStore store = w.bind("lakeStore", new LakeStore(w.bean("s3Client", S3Client.class),
                w.connections().s3Bucket()));
        String group = w.get(LakeSettings.GROUP);
        // the sink subscribes to its flows' topics, again whenever the flows change
        ownership.subscribe(group, flows::lakeTopics);
        LakeWriter writer = new LakeWriter(store, keys,
                new LakeWriter.Limits(w.get(LakeSettings.FLUSH_RECORDS),
                        w.get(LakeSettings.FLUSH_BYTES),
                        (int) w.get(LakeSettings.ROTATE_INTERVAL).toMillis()),
                flows, w.get(LakeSettings.AVRO_CODEC), Clock.systemUTC())
                .parquetCodec(w.get(LakeSettings.PARQUET_CODEC))
                .compressingOn(w.get(LakeSettings.GZIP_THREADS))
                .decodingWith(w.formats())
                .fencedBy((topic, partition) -> ownership.owns(group, new TopicPartition(topic, partition)))
                .reportingTo((topic, reason) -> meters.count("caravan.lake.not.cleaned", 1, "topic", topic,
                        "reason", reason));
        ownership.listen(group, writer);
        w.bind("lakeWriter", writer);
        LakeReconcile reconcile = w.bind("lakeReconcile", new LakeReconcile(store, keys,
                w.kafka(), group,
                w.get(HttpSettings.HEALTH_TIMEOUT)));
        w.closeOnStop(reconcile);
        w.bind("lakeCompactor", new LakeCompactor(store, keys, Clock.systemUTC(),
                new LakeCompactor.Topics(() -> String.join(",", flows.lakeTopics()), flows::compactedTopics),
                reconcile::committed));
    }
}
