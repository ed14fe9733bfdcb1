package dev.usher.api;

import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A request as an application sees it: its head, where it was routed, who sent it, and its
 * body. The Java counterpart of WSGI's {@code environ}.
 */
@ProviderType
public interface HttpRequest {

    /** The method, exactly as sent ({@code GET}, {@code POST}, ...). */
    String method();

    /** The request-target exactly as sent: path and query, still percent-encoded. */
    String target();

    /** The mount prefix this request was routed through; empty for the catch-all {@code /}. */
    String scriptName();

    /** The percent-decoded path after {@link #scriptName()}; starts with {@code /} or is empty. */
    String pathInfo();

    /** {@link #pathInfo()} as sent, still percent-encoded. */
    String rawPathInfo();

    /** The raw query string after {@code ?}, empty when there is none. */
    String query();

    /** The protocol of the request line, {@code HTTP/1.1} or {@code HTTP/1.0}. */
    String protocol();

    /** The header fields, in the order received. */
    HeaderFields headers();

    /**
     * The body; empty when the request has none. Readable once. For a streaming application
     * (service property {@code usher.streaming=true}) it delivers the bytes as they arrive,
     * decoded from chunked framing, and blocks until more come.
     */
    InputStream body();

    /**
     * The length of the body in bytes; -1 while unknown (a chunked body still arriving to a
     * streaming application).
     */
    long bodyLength();

    /** The client's address: an IP address, or {@code localhost} for a unix socket peer. */
    String remoteAddress();

    /** The client's port; 0 for a unix socket peer. */
    int remotePort();

    /** The scheme the client used: {@code http} or {@code https}. */
    String scheme();

    /** The host the client asked for, without the port. */
    String host();

    /** The port the client connected to. */
    int port();

    /** The name of the Usher server that received the request ({@code default} for the default one). */
    String server();

    /**
     * The certificate chain the client presented in its TLS handshake, its own certificate
     * first, as the server verified it against {@code ca_certs}; empty over plain HTTP, or when
     * the client presented none ({@code cert_reqs} none or optional).
     *
     * @since 1.2
     */
    List<X509Certificate> clientCertificates();
}
