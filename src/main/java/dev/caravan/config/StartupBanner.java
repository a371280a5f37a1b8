package dev.caravan.config;

import dev.caravan.api.Access;
import dev.caravan.embedded.Connections;
import dev.caravan.settings.Settings;
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
        dev.caravan.api.ApiAccess access = main.getCamelContext().getRegistry().lookupByNameAndType("apiAccess",
                dev.caravan.api.ApiAccess.class);
        Streams streams = main.getCamelContext().getRegistry().lookupByNameAndType("streams", Streams.class);
        String ingest = (streams == null ? "" : "streams " + String.join(", ", streams.all().stream()
                .map(s -> s.name() + " -> " + s.topic()).toList()) + "; ")
                + (access == null || !access.keysRequired() ? "no API key required" : access.keyCount(Access.INGEST)
                        + " ingest key(s)");
        String keys = access == null || !access.keysRequired()
                ? "OPEN to this machine only (" + settings.find(Settings.ACTIVE_HTTP_HOST).orElse("127.0.0.1") + "): set "
                        + "CARAVAN_ADMIN_API_KEYS and CARAVAN_INGEST_API_KEYS to serve other hosts"
                : access.keyCount(Access.ADMIN) + " admin key(s), " + access.keyCount(Access.INGEST) + " ingest key(s); "
                        + "every endpoint but health probes, the OpenAPI document and the console page needs one";
        LOG.info(render(c, httpBase(settings), routes.description(), settings.dataDir().toString()) + "\n  Ingest   "
                + ingest + "\n  Access   " + keys);
    }

    static String httpBase(Settings settings) {
        String host = settings.find(Settings.ACTIVE_HTTP_HOST).orElse("127.0.0.1");
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        return "http://" + shown + ":" + settings.find(Settings.ACTIVE_HTTP_PORT).orElse("?");
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
