package dev.usher.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An application served by Usher: register it as an OSGi service with a {@link Mount}.
 *
 * <p>The server calls {@link #handle} on one of its application threads once the whole request
 * has arrived. The application reads the request, sets the response's status and headers and
 * writes its body; the server frames and sends it. Writing never blocks on the client's socket:
 * the response is buffered and the server's I/O loop sends it.
 *
 * <p>An exception thrown before any of the response has been sent becomes a {@code 500}; one
 * thrown after that closes the connection, so the client sees a truncated response, never a
 * corrupted one.
 */
@ConsumerType
@FunctionalInterface
public interface HttpApplication {

    /**
     * Answers one request.
     *
     * @param request the request, complete with its body
     * @param response where the answer goes; committed and finished by the server on return
     * @throws Exception any failure; the server answers {@code 500} if nothing was sent yet
     */
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
