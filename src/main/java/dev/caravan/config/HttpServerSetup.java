package dev.caravan.config;

import dev.caravan.embedded.Ports;
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
        String host = settings.get("caravan.http.host", "0.0.0.0");
        int port = Ports.claim(host, settings.getInt("caravan.http.port", 8080), "caravan.http.port");
        main.configure().httpServer().setHost(host);
        main.configure().httpServer().setPort(port);
        main.configure().httpManagementServer().setHost(host);
        main.configure().httpManagementServer().setPort(port);
        main.getCamelContext().getPropertiesComponent().addOverrideProperty(Settings.ACTIVE_HTTP_PORT, String.valueOf(port));
    }
}
