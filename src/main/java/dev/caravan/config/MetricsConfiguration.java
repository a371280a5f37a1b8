package dev.caravan.config;

import java.nio.file.Path;
import java.time.Clock;

import dev.caravan.flow.Flows;
import dev.caravan.metrics.LakeSql;
import dev.caravan.metrics.MetricFiles;
import dev.caravan.metrics.Metrics;
import dev.caravan.settings.MetricsSettings;
import dev.caravan.sink.lake.LakeKeys;
import dev.caravan.sink.lake.LakeMirror;
import dev.caravan.sink.lake.LakeStore;
import dev.caravan.sink.mongo.CollectionWrites;

/** Analytics: each declared metric's pipeline in MongoDB (stream), its SQL in DuckDB over the lake's copy (batch). */
final class MetricsConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        Flows flows = w.flows();
        LakeMirror mirror = new LakeMirror(w.bean("lakeStore", LakeStore.class), w.bean("lakeKeys", LakeKeys.class),
                w.dataDir().resolve("lake-mirror"));
        w.bind("metrics", new Metrics(w.mongo(),
                w.connections().mongoDatabase(),
                w.get(MetricsSettings.COLLECTION),
                new MetricFiles(Path.of(w.get(MetricsSettings.DIR))),
                new LakeSql(flows, mirror, w.get(MetricsSettings.SQL_MEMORY_MB),
                        w.dataDir().resolve("lake-sql-spill")),
                () -> flows.joins().isEmpty() ? "posts" : flows.joins().keySet().iterator().next(),
                Clock.systemUTC(), w.bean("collectionWrites", CollectionWrites.class),
                w.get(MetricsSettings.IDLE_REFRESH).toMillis()));
    }
}
