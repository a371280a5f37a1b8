package dev.caravan.poll;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pollers declared in routes/ now (routes made from the http-poller template), read from Camel's route model. */
public final class PollerCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(PollerCatalog.class);
    /** The route group of the http-poller template's routes. */
    static final String GROUP = "caravan-poller";

    private final CamelContext context;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    public PollerCatalog(CamelContext context) {
        this.context = context;
    }

    /** Every poller declared now (after a route file reload too), by name. */
    public Map<String, PollerSpec> specs() {
        Map<String, PollerSpec> specs = new TreeMap<>();
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition def : model.getRouteDefinitions()) {
            Map<String, Object> params = def.getTemplateParameters();
            // Camel keeps no template id on a route: the http-poller template puts its routes in this group
            if (!def.isCreatedFromTemplate() || params == null || !GROUP.equals(def.getGroup())) {
                continue;
            }
            try {
                Map<String, Object> resolved = new LinkedHashMap<>();
                params.forEach((k, v) -> resolved.put(k, v instanceof String s ? context.resolvePropertyPlaceholders(s) : v));
                PollerSpec spec = PollerSpec.from(def.getRouteId(), resolved);
                specs.put(spec.name(), spec);
            } catch (IllegalArgumentException e) {
                if (announced.add("invalid:" + def.getRouteId() + ":" + e.getMessage())) {
                    LOG.error("Poller route {} is not usable: {}", def.getRouteId(), e.getMessage());
                }
            }
        }
        return specs;
    }

    /** The poller writing each topic (the console names a flow's source by it). */
    public Map<String, String> topics() {
        Map<String, String> out = new TreeMap<>();
        specs().values().forEach(spec -> out.put(spec.topic(), spec.name()));
        return out;
    }

    /** Why a poller cannot run, or null when it can. */
    public String disabledReason(PollerSpec spec) {
        if (!spec.enabled()) {
            return "disabled by configuration";
        }
        if (spec.needsApiKey() && apiKey(spec).isEmpty()) {
            return "no API key: set " + (spec.authKeyEnv().isEmpty() ? spec.authKeyProperty() : spec.authKeyEnv());
        }
        return null;
    }

    /** One line per disabled poller, once: at start-up and when a reloaded file declares a new one. */
    public void announce() {
        for (PollerSpec spec : specs().values()) {
            String reason = disabledReason(spec);
            if (reason != null && announced.add("disabled:" + spec.name() + ":" + reason)) {
                LOG.warn("Poller {} is disabled: {}", spec.name(), reason);
            } else if (reason == null && announced.add("enabled:" + spec.name())) {
                LOG.info("Poller {}: {} every '{}' into {}", spec.name(), spec.baseUrl() + spec.path(),
                        spec.schedule(), spec.topic());
            }
        }
    }

    /** The poller's API key, from the property its route names (set from the environment); empty when none. */
    String apiKey(PollerSpec spec) {
        if (spec.authKeyProperty().isEmpty()) {
            return "";
        }
        return context.getPropertiesComponent().resolveProperty(spec.authKeyProperty()).map(String::trim).orElse("");
    }
}
