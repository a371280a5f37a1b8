package dev.caravan.config;

import dev.caravan.ingest.ApiKeys;
import dev.caravan.ingest.Streams;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs, once started, where everything is, so users can point kcat, mongosh or the aws cli at it. No secrets. */
public final class StartupBanner extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger("caravan");

    private final RoutesSetup routes;

    public StartupBanner(RoutesSetup routes) {
        this.routes = routes;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        Connections c = main.getCamelContext().getRegistry().lookupByNameAndType("connections", Connections.class);
        Settings settings = new Settings(main.getCamelContext());
        if (c == null) {
            return;
        }
        ApiKeys keys = main.getCamelContext().getRegistry().lookupByNameAndType("apiKeys", ApiKeys.class);
        Streams streams = main.getCamelContext().getRegistry().lookupByNameAndType("streams", Streams.class);
        String ingest = (streams == null ? "" : "streams " + String.join(", ", streams.all().stream()
                .map(s -> s.name() + " -> " + s.topic()).toList()) + "; ")
                + (keys == null || keys.isOpen() ? "OPEN: no API key required (set CARAVAN_INGEST_API_KEYS)"
                        : keys.count() + " API key(s) required");
        LOG.info(render(c, httpBase(settings), routes.description(), settings.dataDir().toString()) + "\n  Ingest   " + ingest);
    }

    static String httpBase(Settings settings) {
        String host = settings.get("caravan.http.host", "0.0.0.0");
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        return "http://" + shown + ":" + settings.get(Settings.ACTIVE_HTTP_PORT, "?");
    }

    static String render(Connections c, String http, String routes, String dataDir) {
        return String.join("\n",
                "Caravan is ready",
                "  HTTP     " + http + "/  (health " + http + "/observe/health, metrics " + http + "/observe/metrics)",
                "  Kafka    " + c.kafkaBrokers() + tag(c.kafkaEmbedded()),
                "  MongoDB  " + c.mongoUriRedacted() + " database " + c.mongoDatabase() + tag(c.mongoEmbedded()),
                "  S3       " + c.s3EndpointRedacted() + " bucket " + c.s3Bucket() + " region " + c.s3Region()
                        + (c.s3Embedded() ? " (embedded, access key " + c.s3AccessKey() + ")" : ""),
                "  Routes   " + routes,
                "  Data     " + dataDir + (c.kafkaEmbedded() || c.mongoEmbedded() || c.s3Embedded() ? "" : " (unused)"));
    }

    private static String tag(boolean embedded) {
        return embedded ? " (embedded)" : "";
    }
}
