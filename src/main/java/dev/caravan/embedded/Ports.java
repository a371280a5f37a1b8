package dev.caravan.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import dev.caravan.settings.StartupFailure;

/** Port checks done before a server binds, so a taken port is one clear line instead of a bind stack trace. */
public final class Ports {

    private Ports() {
    }

    /** Returns {@code port}, or a free one when it is 0; fails with the setting's name when the port is taken. */
    public static int claim(String host, int port, String setting) {
        if (port < 0 || port > 65535) {
            throw new StartupFailure(setting + " must be between 0 and 65535, got " + port);
        }
        if (port == 0) {
            return freePort(host);
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new StartupFailure("port " + port + " on " + host + " is already in use (" + setting
                    + "); stop what holds it, or set " + envName(setting) + " to another port, or 0 for any free port");
        }
    }

    /** A port free now, and not one this process was given recently (for several servers chosen at once). */
    public static int freePort(String host) {
        return freePort(() -> anyFreePort(host));
    }

    /**
     * The system may hand the same free port out twice in a row (nothing holds it between the calls), and two servers
     * of one start would then collide; so a port given out recently is asked for again, a few times at most.
     */
    static int freePort(java.util.function.IntSupplier system) {
        synchronized (RECENT) {
            int port = system.getAsInt();
            for (int attempt = 0; RECENT.contains(port) && attempt < 20; attempt++) {
                port = system.getAsInt();
            }
            RECENT.add(port);
            if (RECENT.size() > 256) {
                RECENT.remove(RECENT.iterator().next());
            }
            return port;
        }
    }

    private static final java.util.Set<Integer> RECENT = new java.util.LinkedHashSet<>();

    private static int anyFreePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** The environment variable Camel maps to a property key: caravan.http.port -> CARAVAN_HTTP_PORT. */
    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
