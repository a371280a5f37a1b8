package dev.caravan.poll;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes fields (dotted paths such as login.password) from a polled record before it reaches Kafka: randomuser.me
 * sends each user's password, salt and hashes, which are not data anyone should store.
 */
public final class DropFields {

    private final List<String[]> paths;

    public DropFields(List<String> paths) {
        this.paths = paths.stream().map(String::trim).filter(p -> !p.isEmpty()).map(p -> p.split("\\.")).toList();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(Map<String, Object> record) {
        Map<String, Object> copy = deepCopy(record);
        for (String[] path : paths) {
            Map<String, Object> at = copy;
            for (int i = 0; i < path.length - 1 && at != null; i++) {
                at = at.get(path[i]) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            }
            if (at != null) {
                at.remove(path[path.length - 1]);
            }
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
        return out;
    }
}
