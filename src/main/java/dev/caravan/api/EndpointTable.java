package dev.caravan.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;

/**
 * Which access each HTTP endpoint needs: every REST operation from its {@code security} declaration in the route
 * files (read again when the route files change), the flows' doors (ingest), and the few paths served outside the REST
 * DSL (the console's page, Camel's health and metrics). Anything not listed needs an admin key.
 */
public final class EndpointTable {

    /** One endpoint: its method (or * for any), its path as a pattern, what it needs, where it is declared. */
    public record Endpoint(String method, String path, Pattern pattern, Access access, String declaredBy) {

        boolean matches(String m, String p) {
            return (method.equals("*") || method.equalsIgnoreCase(m)) && pattern.matcher(p).matches();
        }
    }

    /** Served outside the REST DSL: the console's three files, and Camel's management endpoints. */
    static final List<Endpoint> FIXED = List.of(
            fixed("GET", "/", Access.OPEN, "routes/console/console-page.camel.yaml"),
            fixed("GET", "/console/*", Access.OPEN, "routes/console/console-page.camel.yaml"),
            fixed("GET", "/observe/health/live", Access.OPEN, "camel.management (liveness probe)"),
            fixed("GET", "/observe/health/ready", Access.OPEN, "camel.management (readiness probe)"),
            fixed("*", "/observe/*", Access.OBSERVE, "camel.management (health details, metrics)"));

    private final CamelContext context;
    private volatile List<Endpoint> rest = List.of();
    private volatile int seen = -1;

    public EndpointTable(CamelContext context) {
        this.context = context;
    }

    /** What the request needs: the first endpoint that matches, else an admin key. */
    public Access need(String method, String path) {
        for (Endpoint e : all()) {
            if (e.matches(method, path)) {
                return e.access();
            }
        }
        return Access.ADMIN;
    }

    /** Every endpoint: the REST operations as declared now, then the fixed ones. */
    public List<Endpoint> all() {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<RestDefinition> defs = model.getRestDefinitions();
        List<RouteDefinition> doors = model.getRouteDefinitions().stream()
                .filter(r -> DOORS.equals(r.getGroup())).toList();
        // a reloaded route file replaces its definitions: the identity of the list's elements says when
        int signature = System.identityHashCode(defs) * 31 + defs.stream().mapToInt(System::identityHashCode).sum()
                + 17 * doors.stream().mapToInt(System::identityHashCode).sum();
        if (signature != seen) {
            List<Endpoint> built = new ArrayList<>();
            for (RestDefinition r : defs) {
                String base = r.getPath() == null ? "" : context.resolvePropertyPlaceholders(r.getPath());
                for (VerbDefinition v : r.getVerbs()) {
                    String path = join(base, v.getPath() == null ? "" : context.resolvePropertyPlaceholders(v.getPath()));
                    built.add(new Endpoint(v.asVerb().toUpperCase(), path, pattern(path), access(v),
                            "rest " + r.getId() + " / " + v.getId()));
                }
            }
            for (RouteDefinition door : doors) {
                Endpoint e = door(door);
                if (e != null) {
                    built.add(e);
                }
            }
            built.addAll(FIXED);
            rest = List.copyOf(built);
            seen = signature;
        }
        return rest;
    }

    /** The route group of the flows' doors outside the REST DSL (routes/templates/ingest-door): ingest access. */
    public static final String DOORS = "caravan-door";

    /** A door's method and path, from its platform-http input (template parameters and placeholders resolved). */
    private Endpoint door(RouteDefinition route) {
        if (route.getInput() == null) {
            return null;
        }
        String uri = route.getInput().getEndpointUri();
        if (route.getTemplateParameters() != null) {
            for (var p : route.getTemplateParameters().entrySet()) {
                uri = uri.replace("{{" + p.getKey() + "}}", String.valueOf(p.getValue()));
            }
        }
        uri = context.resolvePropertyPlaceholders(uri);
        if (!uri.startsWith("platform-http:")) {
            return null;
        }
        String rest = uri.substring("platform-http:".length());
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        String method = "*";
        if (query >= 0) {
            for (String param : rest.substring(query + 1).split("&")) {
                if (param.startsWith("httpMethodRestrict=")) {
                    method = param.substring("httpMethodRestrict=".length()).toUpperCase(java.util.Locale.ROOT);
                }
            }
        }
        String matched = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return new Endpoint(method, path, pattern(matched), Access.INGEST, "door " + route.getRouteId());
    }

    /** The operation's declared access, or null when it declares none. */
    public static String declared(VerbDefinition v) {
        List<SecurityDefinition> security = v.getSecurity();
        return security == null || security.isEmpty() ? null : security.get(0).getKey();
    }

    private static Access access(VerbDefinition v) {
        return Access.of(declared(v));
    }

    private static Endpoint fixed(String method, String path, Access access, String by) {
        return new Endpoint(method, path, pattern(path), access, by);
    }

    /** /a/{b}/c matches one segment for {b}; a trailing /* any rest. */
    static Pattern pattern(String path) {
        String p = path.endsWith("/*") ? path.substring(0, path.length() - 2) : path;
        String regex = Pattern.quote(p).replaceAll("\\{[^/}]+}", "\\\\E[^/]+\\\\Q");
        return Pattern.compile(regex + (path.endsWith("/*") ? "(/.*)?" : "/?"));
    }

    private static String join(String base, String path) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String p = path.isEmpty() || path.startsWith("/") ? path : "/" + path;
        String joined = b + p;
        return joined.isEmpty() ? "/" : joined;
    }
}
