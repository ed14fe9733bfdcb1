package dev.usher.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An application served by Usher: register it as an OSGi service with a {@link Mount}.
 *
 * <p><b>When.</b> The server calls {@link #handle} once the whole request has arrived, its body
 * buffered; for a {@link Streaming} application, as soon as the head is parsed, the body then
 * arriving through {@link HttpRequest#body()} as the client sends it.
 *
 * <p><b>Where.</b> A {@link Nonblocking} application runs on the I/O thread that read the
 * request. Any other runs as the server's {@code worker_class} says: with {@code sync} (the
 * default) on one of the {@code threads} application threads, or on the I/O thread itself while
 * its calls stay quick (a call that turns out slow moves the I/O work to another thread, not the
 * call); with {@code virtual}, on a virtual thread of its own. Code that blocks is welcome in
 * both, but not in a {@code Nonblocking} application.
 *
 * <p><b>Answering.</b> The application reads the request, sets the response's status and headers
 * and writes its body; the server frames and sends it. The response is buffered and the I/O loop
 * sends it, so a write returns at once, except when more than {@code outbuf_high_watermark}
 * bytes wait for a client that does not read: then it waits until the client has caught up (on
 * the I/O thread it never waits; the bytes are buffered). The response is finished when
 * {@code handle} returns, unless the application {@linkplain HttpResponse#startAsync started an
 * asynchronous response}, which it finishes later from any thread.
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
     * @param request the request: complete with its body, or still receiving it for a {@link Streaming} application
     * @param response where the answer goes; committed and finished by the server on return,
     *     unless {@link HttpResponse#startAsync} was called
     * @throws Exception any failure; the server answers {@code 500} if nothing was sent yet
     */
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
