package dev.caravan.config;

import java.util.List;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import dev.caravan.settings.Settings;

/**
 * Wires Caravan into Camel before routes start, one capability at a time: each configuration binds the beans its
 * routes call by name, and uses beans bound by the ones before it.
 */
public final class CaravanConfiguration implements CamelConfiguration {

    /** The order matters: clients first (they start the embedded servers), health last. */
    private static final List<CamelConfiguration> CAPABILITIES = List.of(
            new ClientsConfiguration(),
            new ApiConfiguration(),
            new FlowsConfiguration(),
            new IngestConfiguration(),
            new SinksConfiguration(),
            new MongoSinkConfiguration(),
            new LakeConfiguration(),
            new MetricsConfiguration(),
            new ConsoleConfiguration(),
            new PollConfiguration(),
            new HealthConfiguration());

    @Override
    public void configure(CamelContext context) throws Exception {
        new Settings(context).checkAll(); // also where Caravan is embedded without its start-up listener
        for (CamelConfiguration capability : CAPABILITIES) {
            capability.configure(context);
        }
    }
}
