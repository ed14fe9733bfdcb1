package dev.usher.buffers;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of byte buffers of one size, shared by threads: direct ones (sockets read and write
 * them without a copy), or {@linkplain #heap heap} ones (ciphers work on their arrays). At most {@code retained}
 * buffers are kept when released; beyond that a released buffer is left to the garbage
 * collector, so a burst does not pin memory for good.
 */
public final class BufferPool {

    private final int bufferSize;
    private final int retained;
    private final boolean direct;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freeCount = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();

    /**
     * @param bufferSize the capacity of every buffer, in bytes (at least 1)
     * @param retained how many released buffers to keep for reuse (at least 0)
     */
    public BufferPool(int bufferSize, int retained) {
        this(bufferSize, retained, true);
    }

    private BufferPool(int bufferSize, int retained, boolean direct) {
        if (bufferSize < 1 || retained < 0) {
            throw new IllegalArgumentException("bufferSize " + bufferSize + ", retained " + retained);
        }
        this.bufferSize = bufferSize;
        this.retained = retained;
        this.direct = direct;
    }

    /**
     * A pool of heap buffers: for bytes a cipher works on (the JDK's {@code SSLEngine} encrypts
     * and decrypts array-backed buffers without copying them).
     *
     * @since 1.2
     */
    public static BufferPool heap(int bufferSize, int retained) {
        return new BufferPool(bufferSize, retained, false);
    }

    /** The capacity of the buffers this pool hands out. */
    public int bufferSize() {
        return bufferSize;
    }

    /** A cleared buffer of {@link #bufferSize()} bytes; give it back with {@link #release}. */
    public ByteBuffer acquire() {
        outstanding.incrementAndGet();
        ByteBuffer buffer = free.poll();
        if (buffer == null) {
            return direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
        }
        freeCount.decrementAndGet();
        return buffer.clear();
    }

    /** Returns a buffer acquired from this pool; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        if (buffer.capacity() != bufferSize || buffer.isDirect() != direct) {
            throw new IllegalArgumentException("not a buffer of this pool");
        }
        outstanding.decrementAndGet();
        if (freeCount.incrementAndGet() <= retained) {
            free.offer(buffer);
        } else {
            freeCount.decrementAndGet();
        }
    }

    /** How many buffers are acquired and not released yet: 0 when every holder has let go. */
    public int outstanding() {
        return outstanding.get();
    }

    /** How many released buffers are waiting for reuse. */
    public int idle() {
        return freeCount.get();
    }
}
