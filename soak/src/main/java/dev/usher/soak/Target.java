package dev.usher.soak;

/** The server under test: a host and a port. */
public record Target(String host, int port) {

    /** {@code host:port}. */
    public static Target parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not host:port: " + hostPort);
        }
        return new Target(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** The value of a {@code Host} field naming it. */
    public String authority() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
