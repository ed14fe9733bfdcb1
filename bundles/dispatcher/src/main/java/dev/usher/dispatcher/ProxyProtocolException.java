package dev.usher.dispatcher;

import java.io.IOException;

/** Bytes that should have begun with a PROXY protocol header did not: the connection closes. */
final class ProxyProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    ProxyProtocolException(String message) {
        super(message);
    }
}
