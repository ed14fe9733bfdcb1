package dev.usher.soak;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * One blocking client connection to the server under test, kept alive between requests; the
 * request bytes are the caller's (any of them, well-formed or not).
 */
public final class ClientConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Lifetime lifetime;

    private ClientConnection(Socket socket, Lifetime lifetime) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
        this.lifetime = lifetime;
    }

    /**
     * Connects with {@code timeoutMillis} for the connect and for every read; the connection is
     * {@link Lifetime#track tracked} by {@code lifetime} until closed.
     */
    public static ClientConnection open(Target target, int timeoutMillis, Lifetime lifetime) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return lifetime.track(new ClientConnection(socket, lifetime));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    public InputStream in() {
        return in;
    }

    /**
     * Sends {@code request}, 64 KiB at a time.
     *
     * @throws Response.NoResponseException when the first 64 KiB cannot be sent: the server had
     *     closed the connection (retryable); a failure later on is a plain {@link IOException}
     */
    public void send(byte[] request) throws IOException {
        for (int at = 0; at < request.length; at += 64 * 1024) {
            try {
                out.write(request, at, Math.min(64 * 1024, request.length - at));
            } catch (SocketException e) {
                if (at == 0) {
                    throw new Response.NoResponseException("could not send the request: " + e.getMessage(), true);
                }
                throw new SocketException("failed after sending " + at + " of " + request.length + " bytes: "
                        + e.getMessage());
            }
        }
        out.flush();
    }

    /** Reads a response. */
    public Response read(boolean headRequest) throws IOException {
        return Response.read(in, headRequest);
    }

    /** Closes at once with a reset (SO_LINGER 0) instead of an orderly close. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing is what matters
        }
        close();
    }

    @Override
    public void close() {
        lifetime.untrack(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
