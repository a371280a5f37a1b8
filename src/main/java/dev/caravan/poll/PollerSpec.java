package dev.caravan.poll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.caravan.settings.Setting;

/**
 * One poller as its YAML declares it (the parameters of a route made from the http-poller template): where to send
 * requests, when, with which credentials, quotas and retries, how to page, which records to take and which fields decide that
 * a record changed. The API key itself is not here: only the name of the property holding it.
 */
public record PollerSpec(
        String name,
        String routeId,
        String baseUrl,
        String path,
        List<String> pathValues,
        String query,
        Schedule schedule,
        String topic,
        String records,
        String recordsLanguage,
        List<String> hashFields,
        String authStyle,
        String authName,
        String authKeyProperty,
        String authKeyEnv,
        Pagination pagination,
        int maxPages,
        int backfillPages,
        boolean rememberPages,
        RateLimit rate,
        int dailyBudget,
        Retries retry,
        boolean enabled) {

    /** Reads a spec from template parameters; a wrong value names the poller and the parameter. */
    public static PollerSpec from(String routeId, Map<String, Object> p) {
        String name = required(p, "name", routeId);
        try {
            String auth = text(p, "auth", "none");
            String authStyle = auth.contains(":") ? auth.substring(0, auth.indexOf(':')) : auth;
            String authName = auth.contains(":") ? auth.substring(auth.indexOf(':') + 1) : "";
            if (!List.of("none", "query", "header").contains(authStyle) || (!authStyle.equals("none") && authName.isBlank())) {
                throw new IllegalArgumentException("auth '" + auth + "' must be none, query:PARAM or header:NAME");
            }
            String base = required(p, "baseUrl", name);
            return new PollerSpec(name, routeId,
                    base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                    text(p, "path", ""),
                    list(text(p, "pathValues", "")),
                    text(p, "query", ""),
                    Schedule.parse(required(p, "schedule", name)),
                    required(p, "topic", name),
                    text(p, "records", "$"),
                    text(p, "recordsLanguage", "jsonpath"),
                    list(text(p, "hashFields", "*")),
                    authStyle, authName,
                    text(p, "authKeyProperty", ""),
                    text(p, "authKeyEnv", ""),
                    Pagination.parse(text(p, "pagination", "none")),
                    Integer.parseInt(text(p, "maxPages", "1")),
                    Integer.parseInt(text(p, "backfillPages", "0")),
                    Setting.flagValue("rememberPages", text(p, "rememberPages", "false")),
                    RateLimit.parse(text(p, "rate", "none")),
                    Integer.parseInt(text(p, "dailyBudget", "0")),
                    Retries.declared(text(p, "retry", "")),
                    Setting.flagValue("enabled", text(p, "enabled", "true")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("poller " + name + ": " + e.getMessage(), e);
        }
    }

    public boolean needsApiKey() {
        return !authStyle.equals("none");
    }

    /** Every page of one run: the first and up to maxPages-1 more, plus backfill pages walked once. */
    public int pageLimit() {
        return Math.max(1, maxPages) + Math.max(0, backfillPages);
    }

    /** The request targets, one per path value ({value} in the path), or the path itself. */
    public List<String> paths() {
        if (pathValues.isEmpty()) {
            return List.of(path);
        }
        List<String> out = new ArrayList<>();
        for (String v : pathValues) {
            out.add(path.replace("{value}", v));
        }
        return out;
    }

    private static String required(Map<String, Object> p, String key, String name) {
        String v = text(p, key, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("poller " + name + ": parameter " + key + " is required");
        }
        return v;
    }

    private static String text(Map<String, Object> p, String key, String dflt) {
        Object v = p.get(key);
        return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
    }

    private static List<String> list(String csv) {
        return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
