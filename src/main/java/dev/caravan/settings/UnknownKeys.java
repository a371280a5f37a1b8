package dev.caravan.settings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The caravan.* keys a user set that are neither declared nor in a declared family: a typo is otherwise ignored
 * without a word (Kafka's clients warn the same way about a config they do not know).
 */
public final class UnknownKeys {

    private UnknownKeys() {
    }

    /** One line per unknown key, sorted, with the nearest declared key when one is close enough to be the intent. */
    public static List<String> find(Collection<String> names, Set<String> declared, List<String> familyPrefixes) {
        List<String> out = new ArrayList<>();
        names.stream().filter(n -> n.startsWith("caravan.")).distinct().sorted().forEach(name -> {
            if (!declared.contains(name) && familyPrefixes.stream().noneMatch(name::startsWith)) {
                String near = declared.stream().min(Comparator.comparingInt(k -> distance(k, name))).orElse(null);
                boolean close = near != null && distance(near, name) <= Math.max(2, name.length() / 8);
                out.add(name + " is not a Caravan setting and is ignored"
                        + (close ? "; did you mean " + near + "?" : ""));
            }
        });
        return out;
    }

    /** Levenshtein distance: the fewest one-character edits from a to b. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
