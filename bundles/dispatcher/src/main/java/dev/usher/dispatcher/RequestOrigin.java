package dev.usher.dispatcher;

import java.util.Set;

/**
 * Where a request came from and what the client addressed, as the application sees it.
 *
 * @param remoteAddress the client's address
 * @param remotePort the client's port
 * @param scheme {@code http} or {@code https}
 * @param host the host the client asked for, without port
 * @param port the port the client connected to
 * @param hiddenFields the proxy fields not believed and hidden from the application
 */
record RequestOrigin(String remoteAddress, int remotePort, String scheme, String host, int port,
        Set<String> hiddenFields) {

    /**
     * What a request says of itself on a direct connection: the authority of an absolute-form
     * target, else the {@code Host} field, else {@code serverName} and the port connected to.
     */
    static RequestOrigin direct(Peer peer, String scheme, String authority, String hostField, String serverName) {
        String hostPort = authority != null ? authority : hostField;
        String host = serverName;
        int port = peer.localPort();
        if (hostPort != null && !hostPort.isEmpty()) {
            int colon = hostPort.lastIndexOf(':');
            boolean hasPort = colon > 0 && hostPort.indexOf(']', colon) < 0;
            host = hasPort ? hostPort.substring(0, colon) : hostPort;
            port = hasPort ? parsePort(hostPort.substring(colon + 1), port) : defaultPort(scheme);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new RequestOrigin(peer.remoteAddress(), peer.remotePort(), scheme, host, port, Set.of());
    }

    /** The same origin with {@code fields} hidden. */
    RequestOrigin hiding(Set<String> fields) {
        return fields.isEmpty() ? this
                : new RequestOrigin(remoteAddress, remotePort, scheme, host, port, Set.copyOf(fields));
    }

    static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static int parsePort(String text, int fallback) {
        try {
            int port = Integer.parseInt(text);
            return port >= 0 && port <= 65535 ? port : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
