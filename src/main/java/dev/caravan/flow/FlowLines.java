package dev.caravan.flow;

/**
 * Where in a flow file a parameter, or one of its cleaning steps, is written: so a refused flow is reported as
 * file:line, like a YAML syntax error is. Camel's model keeps no lines for template parameters; this reads the text.
 */
final class FlowLines {

    private FlowLines() {
    }

    /**
     * The 1-based line of the parameter of the flow named {@code flow} (step 0), or of its cleaning step (from 1);
     * 0 when it cannot be told.
     */
    static int locate(String text, String flow, String parameter, int step) {
        String[] lines = text.split("\n", -1);
        int from = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals("routeId: flow-" + flow)) {
                from = i;
                break;
            }
        }
        int at = -1;
        for (int i = from; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.equals("- name: " + parameter) || l.equals("- name: \"" + parameter + "\"")) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return 0;
        }
        if (step <= 0) {
            return at + 1;
        }
        int seen = 0;
        int indent = -1;
        for (int i = at + 2; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int lead = line.length() - line.stripLeading().length();
            if (line.stripLeading().startsWith("- name:") && lead <= indentOf(lines[at])) {
                break; // the next parameter
            }
            if (line.stripLeading().startsWith("- ") && (indent < 0 || lead == indent)) {
                indent = lead;
                if (++seen == step) {
                    return i + 1;
                }
            }
        }
        return at + 1;
    }

    private static int indentOf(String line) {
        return line.length() - line.stripLeading().length();
    }
}
