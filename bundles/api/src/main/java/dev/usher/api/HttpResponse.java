package dev.usher.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The answer to one request. Set the status and headers, then write the body.
 *
 * <p>The response is <em>committed</em> when its head is handed to the connection: when the
 * body stream is flushed, when more has been written than the server buffers, or when the
 * application returns. Until then status and headers may change. With a {@linkplain
 * #contentLength declared length} or a body complete at commit the server sends
 * {@code Content-Length}; otherwise it frames the body itself (chunked for HTTP/1.1).
 * {@code Connection}, {@code Transfer-Encoding}, {@code Date} and {@code Server} are the
 * server's to set.
 *
 * <p>Threads: within {@code handle}, call it from the thread that runs {@code handle}. Once
 * {@link #startAsync} was called, any thread may call it, one call at a time being what the
 * server sees (see {@link AsyncResponse}).
 */
@ProviderType
public interface HttpResponse {

    /**
     * Sets the status code, with the standard reason phrase.
     *
     * @param code a status from 200 to 599
     * @throws IllegalStateException once committed
     * @throws IllegalArgumentException for a code outside 200-599
     */
    void status(int code);

    /**
     * Sets the status code and reason phrase.
     *
     * @param code a status from 200 to 599
     * @param reason the reason phrase: visible characters, spaces and tabs
     * @throws IllegalStateException once committed
     * @throws IllegalArgumentException for a code outside 200-599 or a reason with control characters
     */
    void status(int code, String reason);

    /** The status code set so far; {@code 200} by default. */
    int status();

    /**
     * Sets a header field, replacing those of the same name.
     *
     * @throws IllegalStateException once committed
     */
    void setHeader(String name, String value);

    /**
     * Adds a header field, keeping those of the same name.
     *
     * @throws IllegalStateException once committed
     */
    void addHeader(String name, String value);

    /**
     * Declares the body's length, so the server can send {@code Content-Length} before the body
     * is complete.
     *
     * @throws IllegalStateException once committed
     */
    void contentLength(long length);

    /** The body. Flushing it commits the response and sends what was written so far. */
    OutputStream body();

    /**
     * Sends {@code length} bytes of {@code file} from {@code position} as the rest of the body.
     * The server's I/O thread writes them with {@link FileChannel#transferTo}; they never pass
     * through the application's thread. The server closes {@code file} once sent, or when the
     * connection closes first. Without a declared length the response gets one: what was
     * written so far plus {@code length}.
     *
     * @throws IOException when the response cannot take it any more (the connection is gone)
     */
    void sendFile(FileChannel file, long position, long length) throws IOException;

    /** Whether the head has been handed to the connection. */
    boolean committed();

    /**
     * Keeps the response open after {@code handle} returns, without a timeout: the application
     * finishes it later, from any thread, through what this returns. Requests the client sent
     * after this one on the same connection are answered once it ends.
     *
     * @throws IllegalStateException when called twice, or once the response has ended
     */
    AsyncResponse startAsync();

    /**
     * As {@link #startAsync()}, ended by the server after {@code timeout} unless the application
     * ended it first: {@code 503} if nothing was sent yet, else the connection closes; the
     * {@linkplain AsyncResponse#onEnd listener} is told {@link AsyncResponse.Ending#TIMED_OUT}.
     *
     * @param timeout positive
     * @throws IllegalArgumentException for a timeout that is not positive
     * @throws IllegalStateException when called twice, or once the response has ended
     */
    AsyncResponse startAsync(Duration timeout);
}
