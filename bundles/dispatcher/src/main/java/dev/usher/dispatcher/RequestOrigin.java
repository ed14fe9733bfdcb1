package dev.usher.dispatcher;

/**
 * Where a request came from and what the client addressed, as the application sees it.
 *
 * @param remoteAddress the client's address
 * @param remotePort the client's port
 * @param scheme {@code http} or {@code https}
 * @param host the host the client asked for, without port
 * @param port the port the client connected to
 */
record RequestOrigin(String remoteAddress, int remotePort, String scheme, String host, int port) {

    /**
     * What a request says of itself on a direct connection: the authority of an absolute-form
     * target, else the {@code Host} field, else the address connected to.
     */
    static RequestOrigin direct(Peer peer, String scheme, String authority, String hostField) {
        String hostPort = authority != null ? authority : hostField;
        String host = peer.localAddress();
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
        return new RequestOrigin(peer.remoteAddress(), peer.remotePort(), scheme, host, port);
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
