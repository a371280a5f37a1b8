package dev.caravan.flow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.caravan.settings.LakeSettings;
import dev.caravan.settings.MongoSinkSettings;
import dev.caravan.settings.Setting;
import dev.caravan.settings.SettingsCatalogue;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every flow the route files declare (instances of the {@code flow} route template, which groups its routes as
 * {@value #GROUP}), read from Camel's route model at start-up and again after each reload. What used to be lists kept
 * in step by hand is derived from here: the sinks' topics, the ingest streams, the collections and their indexes, the
 * join, the lake's cleaning, formats and event times, the compaction schedules, the console's sources.
 */
public final class Flows {

    /** The route group of every route made from the flow template. */
    public static final String GROUP = "caravan-flow";

    private static final Logger LOG = LoggerFactory.getLogger(Flows.class);
    private static final String PREFIX = SettingsCatalogue.FLOW_PARAMETERS.prefix();
    /** The flow template's parameters (routes/templates/flow.camel.yaml). */
    static final List<String> PARAMETERS = List.of("description", "topic", "key", "schema", "format", "collection",
            "businessKey", "mode", "newerField", "indexes", "joinInto", "joinOn", "joinAs", "lake", "lakeFormat",
            "eventTime", "compaction", "clean");

    private final CamelContext context;
    private volatile Map<String, Flow> byName = Map.of();
    private volatile Map<String, Flow> byTopic = Map.of();
    private volatile Set<String> mongoTopics = Set.of();
    private volatile Set<String> lakeTopics = Set.of();
    private volatile boolean read;
    private final List<Consumer<Flows>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Collection<Flow>>> checks = new CopyOnWriteArrayList<>();

    public Flows(CamelContext context) {
        this.context = context;
    }

    /** Flows made up in code (tests of the beans that read them). */
    public static Flows of(Collection<Flow> flows) {
        Flows f = new Flows(null);
        f.publish(new ArrayList<>(flows), Set.of("*"), Set.of("*"));
        return f;
    }

    /** Told after every refresh that changed something (to rebuild what depends on the flows). */
    public void onChange(Consumer<Flows> listener) {
        listeners.add(listener);
    }

    /**
     * Asked before new flows are taken: a check that throws refuses them all (a schema that does not compile, an Avro
     * stream without its schema), and the flows in use stay. Its message should name the flow.
     */
    public void checkWith(Consumer<Collection<Flow>> check) {
        checks.add(check);
    }

    /**
     * Reads the flows from the route model. A flow that does not make sense fails the whole refresh with one message
     * naming its file and the problem, and the flows in use stay as they were.
     */
    public synchronized void refresh() {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<Flow> found = new ArrayList<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            if (!GROUP.equals(route.getGroup())) {
                continue;
            }
            Source source = source(route);
            String file = source.name();
            Map<String, String> parameters = new LinkedHashMap<>();
            if (route.getTemplateDefaultParameters() != null) {
                route.getTemplateDefaultParameters().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
            }
            if (route.getTemplateParameters() != null) {
                route.getTemplateParameters().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
            }
            // caravan.flows.NAME.PARAM overrides a parameter without editing the file (an environment's topic names)
            String name = parameters.get("name");
            for (String param : PARAMETERS) {
                context.getPropertiesComponent().resolveProperty(PREFIX + name + "." + param)
                        .ifPresent(v -> parameters.put(param, v));
            }
            parameters.replaceAll((k, v) -> context.resolvePropertyPlaceholders(v));
            try {
                found.add(Flow.of(parameters, file));
            } catch (Flow.Problem e) {
                int line = e.parameter() == null ? 0 : FlowLines.locate(source.text(), name, e.parameter(), e.step());
                // no cause: the message is the whole story, and one-line reports show the deepest cause only
                throw new IllegalArgumentException(file + (line > 0 ? ":" + line : "") + ": flow "
                        + parameters.getOrDefault("name", "?") + ": " + e.getMessage());
            }
        }
        publish(found, sinkFlows(MongoSinkSettings.FLOWS), sinkFlows(LakeSettings.FLOWS));
    }

    private Set<String> sinkFlows(Setting<String> setting) {
        return sinkFlows(setting, context.getPropertiesComponent().resolveProperty(setting.key()));
    }

    /**
     * The flows a sink takes: every one (*, also when the key is unset), the names listed, or none when it is set and
     * empty (a deployment that runs the other sink only): empty is a value here, not "use the default".
     */
    static Set<String> sinkFlows(Setting<String> setting, java.util.Optional<String> configured) {
        return Set.copyOf(Flow.list(configured.orElse(setting.defaultValue())));
    }

    /** Start-up reads the flows before any route starts (FlowsSetup); an embedding without it reads them on first use. */
    private void firstRead() {
        if (!read && context != null) {
            refresh();
        }
    }

    private void publish(List<Flow> found, Set<String> mongoFlows, Set<String> lakeFlows) {
        Map<String, Flow> names = new TreeMap<>();
        Map<String, Flow> topics = new LinkedHashMap<>();
        for (Flow f : found) {
            Flow twin = names.put(f.name(), f);
            if (twin != null) {
                throw new IllegalArgumentException(f.source() + ": a flow named " + f.name() + " is declared in "
                        + twin.source() + " too");
            }
            Flow sameTopic = topics.put(f.topic(), f);
            if (sameTopic != null) {
                throw new IllegalArgumentException(f.source() + ": flow " + f.name() + " reads topic " + f.topic()
                        + ", which flow " + sameTopic.name() + " reads already");
            }
        }
        for (Flow f : found) {
            if (f.join() != null) {
                Flow target = names.get(f.join().into());
                if (target != null) {
                    throw new IllegalArgumentException(f.source() + ": flow " + f.name() + " joins into "
                            + f.join().into() + ", which is a flow's name, not a joined collection");
                }
            }
        }
        for (Consumer<Collection<Flow>> check : checks) {
            check.accept(names.values());
        }
        Set<String> mongo = new LinkedHashSet<>();
        Set<String> lake = new LinkedHashSet<>();
        for (Flow f : names.values()) {
            if ((f.mongo() != null || f.join() != null) && takes(mongoFlows, f)) {
                mongo.add(f.topic());
            }
            if (f.lake() != null && takes(lakeFlows, f)) {
                lake.add(f.topic());
            }
        }
        boolean changed = !names.equals(byName) || !mongo.equals(mongoTopics) || !lake.equals(lakeTopics);
        read = true;
        byName = java.util.Collections.unmodifiableMap(names);
        byTopic = Map.copyOf(topics);
        mongoTopics = java.util.Collections.unmodifiableSet(mongo);
        lakeTopics = java.util.Collections.unmodifiableSet(lake);
        if (changed) {
            if (context != null) {
                LOG.info("Flows: {}", String.join(", ", names.keySet()));
            }
            listeners.forEach(l -> l.accept(this));
        }
    }

    public Collection<Flow> all() {
        firstRead();
        return byName.values();
    }

    /** The flow of this name, or null. */
    public Flow named(String name) {
        firstRead();
        return name == null ? null : byName.get(name);
    }

    /** The flow reading this topic, or null. */
    public Flow ofTopic(String topic) {
        firstRead();
        return topic == null ? null : byTopic.get(topic);
    }

    private static boolean takes(Set<String> sinkFlows, Flow f) {
        return sinkFlows.contains("*") || sinkFlows.contains(f.name());
    }

    /**
     * Topics the MongoDB sink reads: the flows that store into a collection or a join, of those it takes
     * (caravan.mongo.flows: a deployment may run one sink only, or some flows only).
     */
    public Set<String> mongoTopics() {
        firstRead();
        return mongoTopics;
    }

    /** Topics the lake sink reads: the flows with lake zones, of those it takes (caravan.lake.flows). */
    public Set<String> lakeTopics() {
        firstRead();
        return lakeTopics;
    }

    /**
     * The MongoDB sink's Kafka endpoint topics ({@code {{bean:flows.mongoTopicList}}} in routes/sink): the flows' topics,
     * or {@value #NO_TOPIC} when no flow is stored in MongoDB (the sink's consumer then waits without a subscription).
     */
    public String mongoTopicList() {
        return topicList(mongoTopics());
    }

    /** The lake sink's Kafka endpoint topics, like {@link #mongoTopicList()}. */
    public String lakeTopicList() {
        return topicList(lakeTopics());
    }

    /** The topic a sink's endpoint names when no flow feeds it; never subscribed to. */
    public static final String NO_TOPIC = "caravan.no-flow";

    private static String topicList(Set<String> topics) {
        return topics.isEmpty() ? NO_TOPIC : String.join(",", topics);
    }

    /** Topics compacted on this schedule (daily, weekly). */
    public String compactedTopics(String schedule) {
        return String.join(",", all().stream().filter(f -> lakeTopics.contains(f.topic())
                && f.compaction().equals(schedule)).map(Flow::topic).toList());
    }

    /** Joined collections (posts), each with the key it joins on and the parts that fill it (type -> field). */
    public Map<String, Join> joins() {
        Map<String, Join> out = new TreeMap<>();
        for (Flow f : all()) {
            if (f.join() != null) {
                out.computeIfAbsent(f.join().into(), k -> new Join(k, f.join().on(), new TreeMap<>()))
                        .parts().put(f.name(), f.join().as());
            }
        }
        return out;
    }

    /** A joined collection: where it is, the key its parts meet on, and which flow fills which field. */
    public record Join(String collection, String on, Map<String, String> parts) {
    }

    /** A flow's file: its name as messages show it, and its text (empty when it cannot be read). */
    public record Source(String name, String text) {
    }

    private volatile java.util.function.Function<String, Source> locator = id -> null;

    /**
     * How to find the file that declares a route id: Camel keeps no resource on routes made from a template at
     * start-up, and a problem is only useful with the file (and line) it is in.
     */
    public void locateWith(java.util.function.Function<String, Source> locator) {
        this.locator = locator;
    }

    private Source source(RouteDefinition route) {
        if (route.getResource() != null) {
            String text = "";
            try (java.io.InputStream in = route.getResource().getInputStream()) {
                text = in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException | RuntimeException e) {
                // the name alone still says where
            }
            return new Source(shortName(route.getResource().getLocation()), text);
        }
        Source located = locator.apply(route.getRouteId());
        return located != null ? located : new Source("the flow " + route.getRouteId(), "");
    }

    private static String shortName(String location) {
        String path = location.startsWith("file:") ? location.substring(5) : location.replace("classpath:", "");
        int routes = path.lastIndexOf("routes/");
        return routes >= 0 ? path.substring(routes) : path;
    }
}
