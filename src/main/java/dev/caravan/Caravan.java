package dev.caravan;

import java.util.Map;

import dev.caravan.cli.RedriveCommand;
import dev.caravan.config.CaravanConfiguration;
import dev.caravan.config.FlowsSetup;
import dev.caravan.config.HttpServerSetup;
import dev.caravan.config.RoutesSetup;
import dev.caravan.config.StartupBanner;
import dev.caravan.settings.StartupFailure;
import dev.caravan.emulate.PostingEmulator;
import dev.caravan.api.HttpProblems;
import dev.caravan.embedded.EmbeddedServices;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar caravan.jar}: camel-main with Caravan's configuration, routes from routes/ and a start-up banner.
 * {@code java -jar caravan.jar emulate ...}: the posting emulator; {@code redrive TOPIC}: re-send dead letters.
 */
public final class Caravan {

    private static final Logger LOG = LoggerFactory.getLogger("caravan");

    /** application.properties in the working directory wins over the copy in the jar (first found is used). */
    static final String PROPERTY_LOCATIONS =
            "file:application.properties;optional=true,classpath:application.properties;optional=true";

    private Caravan() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("emulate")) {
            System.exit(PostingEmulator.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("redrive")) {
            System.exit(RedriveCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        Main main = create(Map.of());
        try {
            run(main, args);
        } catch (Throwable e) {
            StartupFailure failure = StartupFailure.find(e);
            String line = failure != null ? failure.getMessage() : e.toString();
            LOG.error("Caravan did not start: {}", line);
            System.err.println("caravan: " + line);
            System.exit(failure != null ? 2 : 1);
        }
        System.exit(main.getExitCode());
    }

    /**
     * Runs the application until it is stopped. A start that fails stops what it had started (the context, and the
     * embedded servers above all: a broker left running on a data directory that is then removed halts the JVM)
     * before the failure is thrown.
     */
    public static void run(Main main, String... args) throws Exception {
        try {
            main.run(args);
        } catch (Exception | Error e) {
            CamelContext context = main.getCamelContext();
            if (context != null) {
                try {
                    context.stop();
                } catch (RuntimeException stopping) {
                    e.addSuppressed(stopping);
                }
                EmbeddedServices embedded = context.hasService(EmbeddedServices.class);
                if (embedded != null) {
                    embedded.stop();
                }
            }
            throw e;
        }
    }

    /** A configured but not started application; tests start it the same way, with property overrides. */
    public static Main create(Map<String, String> overrides) {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(PROPERTY_LOCATIONS);
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(CaravanConfiguration.class);
        RoutesSetup routes = new RoutesSetup();
        main.addMainListener(new HttpServerSetup());
        // the sinks' consumer routes stop before the per-record routes they call, so a batch in flight finishes
        main.addMainListener(new dev.caravan.config.SinksStopFirst());
        main.addMainListener(routes);
        // the flows are read from the loaded route files before the routes that depend on them start
        main.addMainListener(new FlowsSetup());
        main.addMainListener(new HttpProblems());
        // the HTTP server's one gate: keys per endpoint, cross-site refusal (installed before the server starts)
        main.addMainListener(new dev.caravan.api.ApiAccess());
        main.addMainListener(new StartupBanner(routes));
        return main;
    }
}
