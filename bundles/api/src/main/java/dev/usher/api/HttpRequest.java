package dev.usher.api;

import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/** A request as an application sees it: its head, where it was routed, and its body. */
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

    /** The raw query string after {@code ?}, empty when there is none. */
    String query();

    /** The protocol of the request line, {@code HTTP/1.1} or {@code HTTP/1.0}. */
    String protocol();

    /** The header fields, in the order received. */
    HeaderFields headers();

    /** The body; empty when the request has none. Readable once. */
    InputStream body();

    /** The length of the body in bytes. */
    long bodyLength();
}
