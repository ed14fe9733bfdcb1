package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outbound half of a {@link Connection}: response bytes on their way to the client. An
 * application thread writes through it at once while nothing is pending; what the socket does
 * not take waits in an {@link OutputQueue} for the connection's loop to {@link #flush}. A writer
 * waits while more than {@code outbuf_high_watermark} bytes are pending, so a client that does
 * not read holds a bounded amount of memory.
 *
 * <p>Shared between the loop and the application thread answering, under one lock. A lock, not
 * the monitor: a writer on a virtual thread waiting for the client to read unmounts instead of
 * pinning its carrier. The transport's writes happen under it too (a TLS transport wraps
 * records under the same lock, which is why the connection's transport is made with it).
 */
final class ConnectionOutput {

    /** What a {@link #send} asks of the connection's loop. */
    enum Sent {
        /** Nothing: every byte went out, or the loop flushes already. */
        DONE,
        /** The first bytes pending: the loop must flush them. */
        FLUSH,
        /** The bytes could not be buffered: the connection must close. */
        FAILED
    }

    private final Server server;
    private final Transport transport;
    private final OutputQueue pending;
    private final ReentrantLock lock;
    /**
     * Signalled when pending output fell to the high watermark, or the output closed; made by
     * the first writer that waits (most connections never do). Guarded by lock.
     */
    private Condition drained;
    private boolean waitingForDrain;
    private boolean closed;

    ConnectionOutput(Server server, Transport transport, ReentrantLock lock) {
        this.server = server;
        this.transport = transport;
        this.lock = lock;
        this.pending = new OutputQueue(server.outputBuffers(), server.temporaryDirectory());
    }

    /**
     * Queues {@code bytes} (consuming them) for the client: writes at once, without blocking,
     * when nothing is pending, and queues what the socket did not take. Bytes for a closed
     * output are dropped. Any thread.
     */
    Sent send(ByteBuffer bytes) {
        lock.lock();
        try {
            if (closed) {
                bytes.position(bytes.limit());
                return Sent.DONE;
            }
            boolean flush = false;
            if (pending.isEmpty()) {
                int before = bytes.remaining();
                try {
                    while (bytes.hasRemaining() && transport.write(bytes) > 0) {
                        // keep writing while the socket takes bytes
                    }
                    server.metrics().sent(before - bytes.remaining());
                } catch (IOException e) {
                    server.socketError("write", e);
                    closed = true;
                    bytes.position(bytes.limit());
                    return Sent.DONE;
                }
                // a TLS record the socket took in part: the loop sends the rest
                flush = transport.hasBufferedOutput();
            }
            if (bytes.hasRemaining()) {
                flush |= pending.isEmpty();
                boolean inMemory = !pending.spilled();
                try {
                    pending.append(bytes, server.adjustments().outbufOverflow());
                    if (inMemory && pending.spilled()) {
                        server.metrics().spilledResponse();
                    }
                } catch (IOException e) {
                    server.logger().error("Cannot buffer a response; closing the connection", e);
                    closed = true;
                    pending.clear();
                    bytes.position(bytes.limit());
                    return Sent.FAILED;
                }
            }
            return flush ? Sent.FLUSH : Sent.DONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code length} bytes of {@code file} after everything sent before; the file is
     * closed once sent or when the output closes. Any thread.
     *
     * @return whether the loop must flush: these are the first bytes pending
     * @throws IOException when the output is closed already (the file is closed too)
     */
    boolean sendFile(FileChannel file, long position, long length) throws IOException {
        lock.lock();
        try {
            if (closed) {
                file.close();
                throw new IOException("the connection is closed");
            }
            boolean first = pending.isEmpty();
            pending.appendFile(file, position, length);
            return first;
        } finally {
            lock.unlock();
        }
    }

    /** Waits while more than {@code watermark} bytes are pending and the output is open. */
    void awaitDrain(long watermark) {
        boolean interrupted = false;
        lock.lock();
        try {
            while (pending.buffered() > watermark && !closed) {
                waitingForDrain = true;
                if (drained == null) {
                    drained = lock.newCondition();
                }
                try {
                    drained.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether more than {@code watermark} bytes are pending on an open output. */
    boolean above(long watermark) {
        lock.lock();
        try {
            return pending.buffered() > watermark && !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Whether bytes wait to go out: queued, or part of a TLS record the transport holds. */
    boolean hasPending() {
        lock.lock();
        try {
            return !pending.isEmpty() || transport.hasBufferedOutput();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is pending while the socket takes it, and wakes a writer waiting for the
     * pending bytes to fall to {@code outbuf_high_watermark}. Loop thread.
     *
     * @return the bytes written
     * @throws IOException when the socket fails; the connection must close
     */
    long flush() throws IOException {
        lock.lock();
        try {
            long written = 0;
            if (transport.flush()) {
                written = pending.writeTo(transport, server.adjustments().sendBytes());
                server.metrics().sent(written);
            }
            if (waitingForDrain && pending.buffered() <= server.adjustments().outbufHighWatermark()) {
                waitingForDrain = false;
                drained.signalAll();
            }
            return written;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is pending, closes the transport and releases a writer waiting. Loop thread. */
    void close() {
        lock.lock();
        try {
            closed = true;
            pending.clear();
            transport.close();
            if (drained != null) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The bytes the server holds for the client; for tests. */
    long bufferedForTest() {
        lock.lock();
        try {
            return pending.buffered();
        } finally {
            lock.unlock();
        }
    }
}
