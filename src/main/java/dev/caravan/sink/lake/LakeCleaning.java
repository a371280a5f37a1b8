package dev.caravan.sink.lake;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;

/**
 * The clean zone uses the MongoDB sink's cleaning beans (caravan.lake.cleaners, topic:bean), the same instances, so a
 * rule changes in one place. Their documents become plain JSON: dates as ISO-8601 strings, the record's origin in
 * _topic, _partition and _offset.
 */
final class LakeCleaning {

    private final CamelContext context;
    private final Map<String, String> beanByTopic = new HashMap<>();
    private final Map<String, Method> methods = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Object> beans = new java.util.concurrent.ConcurrentHashMap<>();

    LakeCleaning(CamelContext context, String spec) {
        this.context = context;
        for (String pair : spec.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon > 0) {
                beanByTopic.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
            }
        }
    }

    boolean cleans(String topic) {
        return beanByTopic.containsKey(topic);
    }

    String cleaner(String topic) {
        return beanByTopic.get(topic);
    }

    /** The cleaned record as a JSON-ready map; throws what the cleaner throws for a record it refuses. */
    Map<String, Object> clean(String topic, int partition, long offset, Map<String, Object> record) throws Exception {
        String name = beanByTopic.get(topic);
        Object bean = beans.computeIfAbsent(name, n -> {
            Object found = context.getRegistry().lookupByName(n);
            if (found == null) {
                throw new IllegalStateException("no cleaning bean named " + n + " (caravan.lake.cleaners)");
            }
            return found;
        });
        Method clean = methods.computeIfAbsent(name, n -> {
            try {
                return bean.getClass().getMethod("clean", Map.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(n + " has no clean(Map) method", e);
            }
        });
        Object cleaned;
        try {
            cleaned = clean.invoke(bean, record);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("_topic", topic);
        out.put("_partition", partition);
        out.put("_offset", offset);
        ((Map<?, ?>) cleaned).forEach((k, v) -> out.put(k.toString(), plain(v)));
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof Date d) {
            return d.toInstant().toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k.toString(), plain(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v;
    }
}
