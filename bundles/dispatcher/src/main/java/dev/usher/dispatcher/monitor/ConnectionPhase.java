package dev.usher.dispatcher.monitor;

/** What an open connection is doing, as its I/O loop sees it. */
public enum ConnectionPhase {
    /** Its TLS handshake or PROXY protocol header is not complete. */
    HANDSHAKE("handshake"),
    /** Part of a request head has arrived. */
    READING_HEAD("reading head"),
    /** A head has arrived; its body is arriving. */
    READING_BODY("reading body"),
    /** Requests are received whole and wait for a connection slot ({@code connection_limit}). */
    QUEUED("queued"),
    /** An application answers it: a call runs, a body streams in, or an asynchronous response waits. */
    IN_APPLICATION("in application"),
    /** Response bytes wait for the client to take them. */
    WRITING("writing"),
    /** Between requests: an idle keep-alive connection. */
    IDLE("idle");

    private final String label;

    ConnectionPhase(String label) {
        this.label = label;
    }

    /** How it is written for people: {@code reading head}. */
    public String label() {
        return label;
    }

    /** How it is written for machines (a metric label, a JSON key): {@code reading_head}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
