package dev.usher.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of a request to a streaming application, handed from the I/O loop, which
 * {@linkplain #offer offers} bytes as they arrive, to the application thread, which reads them.
 * It holds at most about {@link #BOUND} unread bytes: past that the loop stops reading the
 * connection, and the reader asks it to resume once it has caught up, so the client is held
 * back instead of the server buffering without bound.
 *
 * <p>Its lock is a {@link ReentrantLock}, not a monitor: a reader on a virtual thread that waits
 * for the body unmounts from its carrier instead of pinning it (Java 21 to 23).
 */
final class StreamingBody extends InputStream {

    /** Unread bytes above which the loop stops reading. */
    static final int BOUND = 256 * 1024;

    private final Runnable resume;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int chunkOffset;
    private long unread;
    private long received;
    private boolean ended;
    private IOException failure;
    private boolean readerStalledLoop;

    /** @param resume asks the loop to read again; called on the reader's thread */
    StreamingBody(Runnable resume) {
        this.resume = resume;
    }

    /**
     * Takes the remaining bytes of {@code bytes} (a view of the loop's buffer, copied here).
     *
     * @return whether the loop should stop reading until {@code resume} is called
     */
    boolean offer(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        lock.lock();
        try {
            if (copy.length > 0) {
                chunks.add(copy);
                unread += copy.length;
                received += copy.length;
                arrived.signalAll();
            }
            readerStalledLoop = unread > BOUND;
            return readerStalledLoop;
        } finally {
            lock.unlock();
        }
    }

    /** The whole body has arrived. */
    void end() {
        lock.lock();
        try {
            ended = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The body will not arrive: the reader gets {@code cause}. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (!ended) {
                failure = cause;
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many bytes arrived so far; the body's length once ended. */
    long received() {
        lock.lock();
        try {
            return received;
        } finally {
            lock.unlock();
        }
    }

    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the loop stopped reading because too much is unread. */
    boolean stalledLoop() {
        lock.lock();
        try {
            return readerStalledLoop;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        boolean wake;
        int n;
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                if (ended) {
                    return -1;
                }
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the request body");
                }
            }
            byte[] chunk = chunks.peek();
            n = Math.min(length, chunk.length - chunkOffset);
            System.arraycopy(chunk, chunkOffset, into, offset, n);
            chunkOffset += n;
            if (chunkOffset == chunk.length) {
                chunks.poll();
                chunkOffset = 0;
            }
            unread -= n;
            wake = readerStalledLoop && unread <= BOUND / 2;
            if (wake) {
                readerStalledLoop = false;
            }
        } finally {
            lock.unlock();
        }
        if (wake) {
            resume.run();
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, unread);
        } finally {
            lock.unlock();
        }
    }
}
