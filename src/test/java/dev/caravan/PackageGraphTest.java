package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packages are capabilities and their graph has no cycle: a package can be read, tested and changed knowing only
 * what is below it. config wires everything and nothing uses it; settings and support are the floor.
 */
class PackageGraphTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    // imports and fully qualified names alike: dev.caravan.<package>.<Class>
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.caravan\\.([a-z]\\w*(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /** package -> packages it uses, each with the files that use it. */
    private static final Map<String, Map<String, Set<String>>> USES = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(f);
                Matcher pm = PACKAGE.matcher(source);
                String from = pm.find() ? pm.group(1).replaceFirst("^dev\\.caravan\\.?", "") : "";
                Map<String, Set<String>> uses = USES.computeIfAbsent(from.isEmpty() ? "(root)" : from,
                        k -> new TreeMap<>());
                Matcher m = REFERENCE.matcher(source);
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        uses.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(f.getFileName().toString());
                    }
                }
            }
        }
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        List<String> cycles = new ArrayList<>();
        for (List<String> component : stronglyConnected()) {
            if (component.size() > 1) {
                StringBuilder why = new StringBuilder(String.join(" <-> ", component) + ":");
                for (String a : component) {
                    for (String b : component) {
                        Set<String> files = USES.getOrDefault(a, Map.of()).get(b);
                        if (files != null) {
                            why.append("\n  ").append(a).append(" -> ").append(b).append(" in ").append(files);
                        }
                    }
                }
                cycles.add(why.toString());
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void onlyTheEntryPointsUseTheWiring() {
        List<String> users = new ArrayList<>();
        USES.forEach((from, uses) -> {
            if (uses.containsKey("config") && !from.equals("(root)") && !from.equals("cli")) {
                users.add(from + " in " + uses.get("config"));
            }
        });
        assertThat(users).as("capability packages using config (the wiring)").isEmpty();
    }

    @Test
    void settingsAndSupportStandOnNothingOfCaravans() {
        assertThat(USES.getOrDefault("settings", Map.of())).as("settings uses").isEmpty();
        assertThat(USES.getOrDefault("support", Map.of())).as("support uses").isEmpty();
    }

    /** Tarjan's algorithm over the package graph. */
    private static List<List<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        Set<String> all = new TreeSet<>(USES.keySet());
        USES.values().forEach(u -> all.addAll(u.keySet()));
        int[] counter = {0};
        for (String v : all) {
            if (!index.containsKey(v)) {
                visit(v, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : USES.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                visit(w, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }
}
