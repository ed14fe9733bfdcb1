package dev.usher.dispatcher;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ByteChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS beneath a connection, with the JDK's {@link SSLEngine}: the handshake, then records
 * unwrapped on the way in and wrapped on the way out. File regions are read and wrapped like
 * any bytes (they cannot go out with {@code transferTo}), a record at a time, so memory stays
 * bounded whatever the size of a file or a spilled response.
 *
 * <p>Network bytes wait in buffers of the server's record pool only while they must: a record
 * that arrived in part, or one the socket did not take whole. An idle connection holds none.
 *
 * <p>Reads (and the handshake, whose records it wraps under the output lock) run on the loop;
 * the handshake's delegated tasks (signature, key agreement) run on the server's handshake
 * threads, after which the connection reads on. {@link SSLEngine} lets {@code wrap} and
 * {@code unwrap} run at the same time.
 */
final class TlsTransport implements Transport {

    /** Where the transport stands. */
    enum Phase {
        /** The handshake runs: no application bytes either way. */
        HANDSHAKING,
        /** Application bytes flow. */
        OPEN,
        /**
         * The client spoke plain HTTP: the refusal goes out as plain bytes, nothing more is read.
         */
        PLAIN_REFUSAL,
        /** Closed. */
        CLOSED
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** The socket, or the PROXY protocol layer over it. */
    private final ByteChannel channel;
    private final SSLEngine engine;
    private final TlsContext context;
    /** The connection's output lock, held by every writer; the handshake takes it to wrap. */
    private final ReentrantLock output;
    private volatile Phase phase = Phase.HANDSHAKING;
    /** Where a handshake's delegated tasks run, so that one loop's handshakes use every core. */
    private final Executor tasks;
    /** Whether delegated tasks run on {@link #tasks} now. */
    private volatile boolean tasksRunning;
    private Runnable resume = () -> { };
    /** Network bytes read and not unwrapped yet (read mode), or null. Loop thread. */
    private ByteBuffer netIn;
    /** Records wrapped and not written yet (read mode), or null. Under the output lock. */
    private ByteBuffer netOut;
    private boolean firstByteSeen;
    private List<X509Certificate> peerCertificates = List.of();

    /**
     * @param tasks where the handshake's delegated tasks run (they sign and agree keys, a
     *     millisecond or more each); null to run them on the loop
     */
    TlsTransport(ByteChannel channel, TlsContext context, ReentrantLock output, Executor tasks)
            throws SSLException {
        this.channel = channel;
        this.context = context;
        this.output = output;
        this.tasks = tasks;
        this.engine = context.newEngine();
        engine.beginHandshake();
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        int start = destination.position();
        if (phase == Phase.HANDSHAKING && !handshake(destination)) {
            return destination.position() - start;
        }
        if (phase != Phase.OPEN) {
            return -1;
        }
        boolean readSocket = false;
        while (true) {
            if (netIn != null && netIn.hasRemaining()) {
                SSLEngineResult result = engine.unwrap(netIn, destination);
                releaseNetInIfEmpty();
                switch (result.getStatus()) {
                    case OK:
                        afterUnwrap(result);
                        if (destination.position() > start) {
                            return destination.position() - start;
                        }
                        // a record with no application bytes (a session ticket, a key update)
                        continue;
                    case CLOSED:
                        // the client's close_notify: the end of its input
                        int read = destination.position() - start;
                        return read > 0 ? read : -1;
                    case BUFFER_OVERFLOW:
                        if (destination.position() > start) {
                            return destination.position() - start;
                        }
                        throw new IllegalStateException("a read buffer smaller than a TLS record");
                    case BUFFER_UNDERFLOW:
                        // a record arrived in part: read on
                        break;
                    default:
                        throw new IllegalStateException(result.getStatus().toString());
                }
            }
            if (readSocket) {
                // once per call: other connections of the loop get their turn
                return destination.position() - start;
            }
            readSocket = true;
            int count = readSocket();
            if (count < 0) {
                endOfInput();
                int read = destination.position() - start;
                return read > 0 ? read : -1;
            }
            if (count == 0) {
                return destination.position() - start;
            }
        }
    }

    /**
     * The socket reached its end: an ordinary end of input after the client's close_notify, or
     * when {@code suppress_ragged_eofs} forgives its absence.
     */
    private void endOfInput() throws IOException {
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            if (!context.suppressRaggedEofs()) {
                throw new IOException("the client closed the connection without a TLS close_notify", e);
            }
        }
    }

    /**
     * Drives the handshake as far as the socket allows, unwrapping into {@code destination}
     * (application bytes that follow the client's last handshake record land there too).
     *
     * @return whether it finished
     */
    private boolean handshake(ByteBuffer destination) throws IOException {
        try {
            while (true) {
                HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NEED_TASK:
                        if (!runTasksAside()) {
                            // the connection reads again when they are done
                            return false;
                        }
                        break;
                    case NEED_WRAP:
                        if (!wrapUnderLock()) {
                            // the socket is full: the loop flushes and comes back
                            return false;
                        }
                        break;
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN:
                        if (!unwrapHandshake(destination)) {
                            return false;
                        }
                        break;
                    case FINISHED, NOT_HANDSHAKING:
                        established();
                        return true;
                    default:
                        throw new IllegalStateException(status.toString());
                }
            }
        } catch (SSLException e) {
            // the engine has an alert for the client (unknown CA, no shared cipher, ...): send it
            sendAlert();
            throw e;
        }
    }

    private void established() {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            List<X509Certificate> certificates = new ArrayList<>(chain.length);
            for (Certificate certificate : chain) {
                certificates.add((X509Certificate) certificate);
            }
            peerCertificates = List.copyOf(certificates);
        } catch (SSLPeerUnverifiedException e) {
            // the client presented none
        }
        phase = Phase.OPEN;
    }

    /** One handshake unwrap; false when it needs bytes that have not arrived. */
    private boolean unwrapHandshake(ByteBuffer destination) throws IOException {
        if (netIn == null || !netIn.hasRemaining()) {
            int count = readSocket();
            if (count < 0) {
                throw new EOFException("the client closed the connection during the TLS handshake");
            }
            if (count == 0) {
                return false;
            }
        }
        if (!firstByteSeen) {
            firstByteSeen = true;
            byte first = netIn.get(netIn.position());
            // a TLS record starts with its type, 22 for a handshake; a request line with a method
            if (first >= 'A' && first <= 'Z') {
                phase = Phase.PLAIN_REFUSAL;
                releaseNetIn();
                throw new PlainHttpOnTlsPortException();
            }
        }
        SSLEngineResult result = engine.unwrap(netIn, destination);
        releaseNetInIfEmpty();
        switch (result.getStatus()) {
            case OK:
                return true;
            case BUFFER_UNDERFLOW:
                int count = readSocket();
                if (count < 0) {
                    throw new EOFException("the client closed the connection during the TLS handshake");
                }
                return count > 0;
            case CLOSED:
                throw new EOFException("the client ended TLS during its handshake");
            default:
                throw new IllegalStateException("a read buffer smaller than a TLS record");
        }
    }

    /** After an unwrap once open: the engine may want to answer (a key update) or run a task. */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        HandshakeStatus status = result.getHandshakeStatus();
        while (status == HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == HandshakeStatus.NEED_WRAP) {
            // if the socket is full, flush() wraps it once the rest has gone
            wrapUnderLock();
        }
    }

    /**
     * Hands the engine's tasks to {@link #tasks}; true when they ran here instead (no executor,
     * or it is shut down) and the handshake can go on at once.
     */
    private boolean runTasksAside() {
        if (tasks == null) {
            runTasks();
            return true;
        }
        if (tasksRunning) {
            return false;
        }
        tasksRunning = true;
        try {
            tasks.execute(() -> {
                try {
                    runTasks();
                } finally {
                    tasksRunning = false;
                    resume.run();
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            runTasks();
            return true;
        }
    }

    @Override
    public void resumeWith(Runnable resume) {
        this.resume = resume;
    }

    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    /** Wraps what the engine wants to send of its own; false when the socket holds earlier records still. */
    private boolean wrapUnderLock() throws IOException {
        output.lock();
        try {
            return sendEngineRecord();
        } finally {
            output.unlock();
        }
    }

    /** Sends the alert a failed handshake left in the engine, if the socket takes it now. */
    private void sendAlert() {
        output.lock();
        try {
            engine.closeOutbound();
            sendEngineRecord();
        } catch (IOException e) {
            // the connection closes anyway
        } finally {
            output.unlock();
        }
    }

    /**
     * Wraps and sends what the engine has to say itself (a handshake message, an alert,
     * close_notify) once the socket has taken the records before it; what the socket does not
     * take now waits in {@link #netOut}. Under the lock.
     *
     * @return false when earlier records still wait, and nothing was wrapped
     */
    private boolean sendEngineRecord() throws IOException {
        if (!flushRecords()) {
            return false;
        }
        wrap(EMPTY);
        flushRecords();
        return true;
    }

    /** Wraps from {@code source} into {@link #netOut}, which must be empty. Under the lock. */
    private SSLEngineResult wrap(ByteBuffer source) throws SSLException {
        if (netOut == null) {
            netOut = context.records().acquire();
        }
        netOut.clear();
        SSLEngineResult result;
        try {
            result = engine.wrap(source, netOut);
        } finally {
            netOut.flip();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new IllegalStateException("a record buffer smaller than a TLS record");
        }
        return result;
    }

    /** Writes the records held; true when none is left. Under the lock. */
    private boolean flushRecords() throws IOException {
        if (netOut == null) {
            return true;
        }
        if (netOut.hasRemaining()) {
            channel.write(netOut);
            if (netOut.hasRemaining()) {
                return false;
            }
        }
        context.records().release(netOut);
        netOut = null;
        return true;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        if (phase == Phase.PLAIN_REFUSAL) {
            return channel.write(source);
        }
        if (phase != Phase.OPEN) {
            throw new IOException("the connection is closed");
        }
        int start = source.position();
        while (source.hasRemaining() && flushRecords()) {
            SSLEngineResult result = wrap(source);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("TLS is closed");
            }
            if (result.bytesConsumed() == 0) {
                break;
            }
        }
        flushRecords();
        return source.position() - start;
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        if (!flushRecords()) {
            return 0;
        }
        ByteBuffer plain = context.plaintext().acquire();
        try {
            plain.clear().limit((int) Math.min(plain.capacity(), count));
            int read = file.read(plain, position);
            if (read < 0) {
                throw new IOException("the file to send is shorter than announced");
            }
            plain.flip();
            return write(plain);
        } finally {
            context.plaintext().release(plain);
        }
    }

    @Override
    public boolean hasBufferedOutput() {
        return netOut != null && netOut.hasRemaining();
    }

    @Override
    public boolean flush() throws IOException {
        if (!flushRecords()) {
            return false;
        }
        if (phase == Phase.OPEN && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            wrap(EMPTY);
            return flushRecords();
        }
        return true;
    }

    @Override
    public boolean hasBufferedInput() {
        // a record that arrived in part needs the socket: reading again before it comes would spin
        return phase == Phase.OPEN && netIn != null && holdsWholeRecord(netIn);
    }

    /**
     * Whether {@code bytes} (read mode) start with a whole TLS record: its 5-byte header (type,
     * version, length) and the length it announces.
     */
    static boolean holdsWholeRecord(ByteBuffer bytes) {
        if (bytes.remaining() < 5) {
            return false;
        }
        int at = bytes.position();
        int length = ((bytes.get(at + 3) & 0xff) << 8) | (bytes.get(at + 4) & 0xff);
        return bytes.remaining() >= 5 + length;
    }

    @Override
    public boolean handshaking() {
        return phase == Phase.HANDSHAKING;
    }

    @Override
    public int minimumReadBuffer() {
        return context.applicationBufferSize();
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    @Override
    public void close() {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (was == Phase.OPEN) {
            // close_notify, if the socket takes it: a client can tell the end from a cut
            try {
                engine.closeOutbound();
                sendEngineRecord();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
        if (netOut != null) {
            context.records().release(netOut);
            netOut = null;
        }
        releaseNetIn();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    /** Reads from the socket after what {@link #netIn} holds. Loop thread. */
    private int readSocket() throws IOException {
        if (netIn == null) {
            netIn = context.records().acquire();
            netIn.clear();
        } else {
            netIn.compact();
        }
        int count;
        try {
            count = channel.read(netIn);
        } finally {
            netIn.flip();
        }
        releaseNetInIfEmpty();
        return count;
    }

    private void releaseNetInIfEmpty() {
        if (netIn != null && !netIn.hasRemaining()) {
            releaseNetIn();
        }
    }

    private void releaseNetIn() {
        if (netIn != null) {
            context.records().release(netIn);
            netIn = null;
        }
    }
}
