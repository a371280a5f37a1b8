package dev.caravan.flow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The flows one file declares, read without Camel: for tools and benchmarks that need a flow's rules outside a
 * running Caravan. The running application reads flows from Camel's route model instead ({@link Flows}).
 */
public final class FlowFile {

    private FlowFile() {
    }

    /**
     * Every {@code flow} templated route in the file, its parameter values passed through {@code placeholders} (which
     * resolves {@code {{key}}} the way the properties in use would).
     */
    @SuppressWarnings("unchecked")
    public static List<Flow> read(Path file, UnaryOperator<String> placeholders) throws IOException {
        List<Flow> out = new ArrayList<>();
        Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build())
                .loadFromString(Files.readString(file));
        if (!(doc instanceof List<?> items)) {
            return out;
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("templatedRoute") instanceof Map<?, ?> templated)
                    || !"flow".equals(templated.get("routeTemplateRef"))) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (Object p : (List<Object>) templated.get("parameters")) {
                Map<String, Object> parameter = (Map<String, Object>) p;
                parameters.put(parameter.get("name").toString(),
                        placeholders.apply(String.valueOf(parameter.get("value"))));
            }
            out.add(Flow.of(parameters, file.toString()));
        }
        return out;
    }
}
