package dev.caravan.config;

import java.time.Clock;
import java.util.Objects;

import dev.caravan.poll.DropFields;
import dev.caravan.poll.NytBestsellerEntries;
import dev.caravan.poll.PollerStore;
import dev.caravan.poll.Pollers;
import dev.caravan.poll.RecordAsIs;
import dev.caravan.poll.Retries;
import dev.caravan.settings.IngestSettings;
import dev.caravan.settings.PollSettings;
import dev.caravan.settings.PollerApiSettings;

/** Pollers: state in MongoDB, each one's clock ticking on the elected leader (routes/templates/http-poller). */
final class PollConfiguration extends Capability {

    @Override
    void wire(Wiring w) throws Exception {
        w.context().addService(ClusterSetup.clusterService(w.settings()));
        Pollers pollers = w.bind("pollers", new Pollers(w.context(),
                new PollerStore(w.mongo(),
                        w.connections().mongoDatabase(),
                        w.get(PollSettings.STATE_PREFIX)),
                new Pollers.Options(w.get(PollSettings.ENABLED),
                        w.get(PollSettings.CLUSTER_NAMESPACE),
                        new Retries(w.get(PollSettings.MAX_ATTEMPTS),
                                w.get(PollSettings.BACKOFF_INITIAL),
                                w.get(PollSettings.BACKOFF_MAX),
                                w.get(PollSettings.MAX_RETRY_AFTER)),
                        "Caravan/" + Objects.requireNonNullElse(
                                PollConfiguration.class.getPackage().getImplementationVersion(), "dev"),
                        w.get(IngestSettings.TIMEOUT),
                        w.get(PollSettings.MAX_RESPONSE_BYTES)),
                w.kafka(), Clock.systemUTC()));
        w.bind("pollSteps", pollers.steps());
        // the mappers the seeds' pollers name in their flow files
        w.bind("recordAsIs", new RecordAsIs());
        w.bind("nytBestsellerEntries", new NytBestsellerEntries());
        w.bind("dropRandomUserCredentials", new DropFields(w.get(PollerApiSettings.RANDOMUSER_DROP_FIELDS)));
        w.context().addStartupListener((ctx, alreadyStarted) -> pollers.catalog().announce());
    }
}
