package dev.caravan.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A flow's cleaning: the steps its file declares (a YAML list, each item one step of {@link FieldActions} and its
 * parameters), compiled once per (re)load into a list of rules and applied in order to a copy of each record.
 */
public final class Rules {

    private final List<FieldActions.Rule> rules;
    private final List<String> names;

    private Rules(List<FieldActions.Rule> rules, List<String> names) {
        this.rules = List.copyOf(rules);
        this.names = List.copyOf(names);
    }

    /** No cleaning: the record as it came. */
    public static final Rules NONE = new Rules(List.of(), List.of());

    /**
     * Compiles the steps; a step the catalogue does not know, or parameters of the wrong shape, fail here, naming the
     * step by its position and action.
     */
    public static Rules compile(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return NONE;
        }
        Object parsed;
        try {
            parsed = new Load(LoadSettings.builder().setLabel("clean").build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException("the cleaning steps are not YAML: " + e.getMessage().lines()
                    .findFirst().orElse(""));
        }
        if (!(parsed instanceof List<?> steps)) {
            throw new IllegalArgumentException("the cleaning steps must be a YAML list, one step per item");
        }
        List<FieldActions.Rule> rules = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int n = 0;
        for (Object step : steps) {
            n++;
            String action;
            Object parameters;
            if (step instanceof Map<?, ?> m && m.size() == 1) {
                Map.Entry<?, ?> only = m.entrySet().iterator().next();
                action = only.getKey().toString();
                parameters = only.getValue();
            } else {
                throw new StepProblem(n, "cleaning step " + n + " must be one action and its parameters, "
                        + "like '- rename: {index: ind}', got " + step);
            }
            try {
                rules.add(FieldActions.compile(action, parameters, Map.of()));
            } catch (IllegalArgumentException e) {
                throw new StepProblem(n, "cleaning step " + n + " (" + action + "): " + e.getMessage());
            }
            names.add(action);
        }
        return new Rules(rules, names);
    }

    /** A step that does not compile, with its position (from 1). */
    static final class StepProblem extends IllegalArgumentException {
        private final int step;

        StepProblem(int step, String message) {
            super(message);
            this.step = step;
        }

        int step() {
            return step;
        }
    }

    /** Where a record came from: its topic, partition, offset and Kafka key. */
    public record Meta(String topic, int partition, long offset, String key) {
    }

    /** The cleaned document; a record the steps refuse throws {@link CleaningException}. */
    public Document clean(Map<String, Object> record, Meta meta) {
        Document doc = new Document(record);
        for (FieldActions.Rule rule : rules) {
            rule.apply(doc, meta);
        }
        return doc;
    }

    /** The steps' actions, in order (for the console and the logs). */
    public List<String> steps() {
        return names;
    }
}
