package dev.caravan.sink.lake;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.flow.Flow;
import dev.caravan.flow.Flows;
import dev.caravan.flow.Rules;
import dev.caravan.support.OrderedMap;

/**
 * The clean zone uses the flows' cleaning, the same rules the MongoDB sink applies, so a rule changes in one place.
 * Its documents become plain JSON: dates as ISO-8601 strings, the record's origin in _topic, _partition and _offset.
 */
final class LakeCleaning {

    private final Flows flows;

    LakeCleaning(Flows flows) {
        this.flows = flows;
    }

    /** True when the topic's flow writes the clean zone. */
    boolean cleans(String topic) {
        Flow flow = flows.ofTopic(topic);
        return flow != null && flow.lake() != null && flow.lake().clean();
    }

    String cleaner(String topic) {
        Flow flow = flows.ofTopic(topic);
        return flow == null ? "nothing" : "flow " + flow.name();
    }

    /** The cleaned record as a JSON-ready map; throws what the rules throw for a record they refuse. */
    Map<String, Object> clean(String topic, int partition, long offset, String key, Map<String, Object> record) {
        return clean(topic, partition, offset, key, record, false);
    }

    /** The same; with {@code dates}, dates stay dates (Parquet's timestamps) instead of ISO-8601 text. */
    Map<String, Object> clean(String topic, int partition, long offset, String key, Map<String, Object> record,
            boolean dates) {
        Flow flow = flows.ofTopic(topic);
        Map<String, Object> cleaned = flow.rules().clean(record, new Rules.Meta(topic, partition, offset, key));
        Map<String, Object> out = OrderedMap.of("_topic", topic, "_partition", partition, "_offset", offset);
        cleaned.forEach((k, v) -> out.put(k, plain(v, dates)));
        return out;
    }

    private static Object plain(Object v, boolean dates) {
        if (v instanceof Date d) {
            return dates ? d : d.toInstant().toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k.toString(), plain(x, dates)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(plain(x, dates)));
            return out;
        }
        return v;
    }
}
