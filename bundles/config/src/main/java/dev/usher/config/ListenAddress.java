package dev.usher.config;

/**
 * One address a server listens on.
 *
 * @param host a host name, an IPv4 or IPv6 literal (without brackets), or {@code *} for every
 *     address of the enabled families
 * @param port the TCP port, 0 for one the system picks
 */
public record ListenAddress(String host, int port) {

    /** Checks the port range. */
    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
    }

    /** Whether this binds every address rather than one. */
    public boolean wildcard() {
        return host.equals("*");
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
