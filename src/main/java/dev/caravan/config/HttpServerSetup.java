package dev.caravan.config;

import dev.caravan.settings.Settings;
import dev.caravan.settings.StartupFailure;
import dev.caravan.settings.HttpSettings;
import dev.caravan.settings.IngestSettings;
import dev.caravan.api.ApiKeys;
import dev.caravan.embedded.Ports;
import io.vertx.core.VertxOptions;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Claims the HTTP port before Camel configures its server (0 becomes a concrete free port, a taken port is one clear
 * error) and serves the API, health and metrics on that one port. The port in use is {{caravan.active.http-port}}.
 */
public final class HttpServerSetup extends MainListenerSupport {

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        Settings settings = new Settings(main.getCamelContext());
        settings.checkAll(); // the first thing Caravan does: every bad value in one line, before a port is claimed
        String host = host(settings);
        int port = Ports.claim(host, settings.get(HttpSettings.HTTP_PORT), HttpSettings.HTTP_PORT.key());
        main.configure().httpServer().setHost(host);
        main.configure().httpServer().setPort(port);
        main.configure().httpManagementServer().setHost(host);
        main.configure().httpManagementServer().setPort(port);
        // Vert.x runs each request's route on a worker thread that then waits for Kafka's acks: its default 20 threads
        // capped single-record ingest at 20 requests in flight (platform-http looks the options up by type)
        main.getCamelContext().getRegistry().bind("caravanHttpVertxOptions", vertxOptions(settings));
        main.getCamelContext().getPropertiesComponent().addOverrideProperty(Settings.ACTIVE_HTTP_PORT, String.valueOf(port));
        main.getCamelContext().getPropertiesComponent().addOverrideProperty(Settings.ACTIVE_HTTP_HOST, host);
    }

    /** The HTTP server's Vert.x: caravan.http.worker-threads threads for the routes. */
    static VertxOptions vertxOptions(Settings settings) {
        return new VertxOptions().setWorkerPoolSize(settings.get(HttpSettings.HTTP_WORKER_THREADS));
    }

    /**
     * Where the server listens. Without any API key everything is open, so only this machine may reach it
     * (127.0.0.1); with keys, every interface. Any other interface without keys is refused unless the operator says
     * so with caravan.http.allow-anonymous=true.
     */
    static String host(Settings settings) {
        boolean keys = !new ApiKeys(settings.get(IngestSettings.API_KEYS), IngestSettings.API_KEYS.key()).isOpen()
                || !new ApiKeys(settings.get(HttpSettings.ADMIN_API_KEYS), HttpSettings.ADMIN_API_KEYS.key()).isOpen()
                || !new ApiKeys(settings.get(HttpSettings.OBSERVE_API_KEYS), HttpSettings.OBSERVE_API_KEYS.key())
                        .isOpen();
        String host = settings.find(HttpSettings.HTTP_HOST).orElse(keys ? "0.0.0.0" : "127.0.0.1");
        if (!keys && !loopback(host) && !settings.get(HttpSettings.HTTP_ALLOW_ANONYMOUS)) {
            throw new StartupFailure("caravan.http.host is " + host + " but no API key is set, so anyone who can reach"
                    + " it could read and change the data: set CARAVAN_ADMIN_API_KEYS (and CARAVAN_INGEST_API_KEYS),"
                    + " or CARAVAN_HTTP_ALLOW_ANONYMOUS=true to serve it open");
        }
        return host;
    }

    static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
