package dev.caravan.config;

import java.util.List;
import java.util.Map;

import dev.caravan.console.ConsoleAssets;
import dev.caravan.console.Overview;
import dev.caravan.flow.Flows;
import dev.caravan.poll.Pollers;
import dev.caravan.settings.HttpSettings;
import dev.caravan.settings.LakeSettings;
import dev.caravan.settings.MongoSinkSettings;
import dev.caravan.sink.SinkProgress;
import dev.caravan.sink.lake.LakeWriter;
import org.apache.camel.CamelContext;

/** The operator console: its files, and the overview it reads beside the pollers and metrics APIs. */
final class ConsoleConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        Flows flows = w.flows();
        w.bind("consoleAssets", new ConsoleAssets());
        Overview overview = new Overview(w.kafka(), flows,
                List.of(new Overview.Sink("MongoDB", w.get(MongoSinkSettings.GROUP), "streams-to-mongo",
                                flows::mongoTopics),
                        new Overview.Sink("lake", w.get(LakeSettings.GROUP), "streams-to-lake",
                                flows::lakeTopics)),
                w.get(MongoSinkSettings.DLQ_SUFFIX), w.bean("lakeWriter", LakeWriter.class),
                w.bean("sinkProgress", SinkProgress.class), w.get(HttpSettings.HEALTH_TIMEOUT));
        w.bind("overview", overview.showingFormats(w.formats())
                .showingPollers(() -> pollersByTopic(w.context())));
        w.closeOnStop(overview);
    }

    /** The poller writing each topic (the console names a flow's source); the pollers are bound after this. */
    private static Map<String, String> pollersByTopic(CamelContext context) {
        Pollers pollers = context.getRegistry().lookupByNameAndType("pollers", Pollers.class);
        return pollers == null ? Map.of() : pollers.catalog().topics();
    }
}
