package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The layer between a {@link Connection}'s HTTP/1 framing and its socket: it owns the socket's
 * reads and writes. {@link PlainTransport} passes bytes through and sends file regions with
 * {@link FileChannel#transferTo}; {@link TlsTransport} runs them through an {@code SSLEngine}.
 * Nothing above it touches the socket, so TLS (and another protocol later) changes this layer
 * only.
 *
 * <p>Threads: {@link #read} runs on the connection's loop; the writing methods run under the
 * connection's output lock, from the loop or an application thread; {@link #close} on the loop,
 * under the output lock.
 */
sealed interface Transport permits PlainTransport, TlsTransport {

    /**
     * Reads what arrived into {@code destination}, which has room for at least
     * {@link #minimumReadBuffer()} bytes.
     *
     * @return the bytes read; 0 when none are ready (a TLS handshake may have moved on); -1 at
     *     the end of input
     * @throws PlainHttpOnTlsPortException when a TLS port received a plain HTTP request
     */
    int read(ByteBuffer destination) throws IOException;

    /**
     * Writes what the socket takes now, without blocking.
     *
     * @return how many bytes of {@code source} were consumed: sent, or held by the transport
     *     ({@link #hasBufferedOutput()}) to go out before anything else
     */
    int write(ByteBuffer source) throws IOException;

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position}, as {@link #write}
     * does.
     *
     * @return how many bytes of the file were consumed
     */
    long transferFrom(FileChannel file, long position, long count) throws IOException;

    /** Whether the transport holds bytes of its own that the socket did not take yet. */
    boolean hasBufferedOutput();

    /** Writes what the transport holds; true once nothing is left. */
    boolean flush() throws IOException;

    /**
     * Whether input was read from the socket that {@link #read} has not returned yet: the
     * selector will not report it, so the connection must read again by itself.
     */
    boolean hasBufferedInput();

    /** Whether the transport still sets itself up (a TLS handshake): no request can arrive yet. */
    boolean handshaking();

    /** The room {@link #read} needs in its buffer. */
    int minimumReadBuffer();

    /** The client's certificate chain, its own first; empty when it presented none. */
    List<X509Certificate> peerCertificates();

    /**
     * Tells the transport how to wake its connection when work it handed off the loop (a
     * handshake's signature and key exchange) is done: the connection then reads again. Until
     * then {@link #read} returns 0.
     */
    void resumeWith(Runnable resume);

    /** Ends the transport (TLS says {@code close_notify} if the socket takes it) and closes the socket. */
    void close();
}
