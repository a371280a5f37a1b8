package dev.caravan.config;

import java.nio.file.Path;
import java.util.Optional;

import com.mongodb.client.MongoClient;
import dev.caravan.embedded.Connections;
import dev.caravan.flow.Flows;
import dev.caravan.kafka.KafkaClientConfig;
import dev.caravan.schema.StreamFormats;
import dev.caravan.settings.Setting;
import dev.caravan.settings.Settings;
import org.apache.camel.CamelContext;

/** What a capability's configuration works with: its settings, the beans bound before it, and binding its own. */
record Wiring(CamelContext context, Settings settings) {

    Wiring(CamelContext context) {
        this(context, new Settings(context));
    }

    <T> T get(Setting<T> setting) {
        return settings.get(setting);
    }

    /** An optional text setting: empty when unset or blank. */
    Optional<String> find(Setting<String> setting) {
        return settings.find(setting);
    }

    Path dataDir() {
        return settings.dataDir();
    }

    /** A bean an earlier configuration bound (CaravanConfiguration runs them in order). */
    <T> T bean(String name, Class<T> type) {
        T bean = context.getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("no bean " + name + " (" + type.getSimpleName()
                    + "): its configuration runs earlier in CaravanConfiguration");
        }
        return bean;
    }

    <T> T bind(String name, T bean) {
        context.getRegistry().bind(name, bean);
        return bean;
    }

    /** Closed when the context stops, after the routes, before what was registered earlier (the servers last). */
    void closeOnStop(AutoCloseable... closeables) throws Exception {
        context.addService(new ClosingService(closeables), true, false);
    }

    // the beans most capabilities use

    Connections connections() {
        return bean("connections", Connections.class);
    }

    KafkaClientConfig kafka() {
        return bean("kafkaClientConfig", KafkaClientConfig.class);
    }

    MongoClient mongo() {
        return bean("mongoClient", MongoClient.class);
    }

    Flows flows() {
        return bean("flows", Flows.class);
    }

    StreamFormats formats() {
        return bean("streamFormats", StreamFormats.class);
    }
}
