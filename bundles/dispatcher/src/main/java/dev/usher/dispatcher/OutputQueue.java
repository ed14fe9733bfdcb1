package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;

import dev.usher.buffers.BufferPool;

/**
 * Response bytes the socket did not take yet, in pooled direct buffers that go back to the pool
 * as soon as they are written. Not thread-safe: its {@link Connection} guards it.
 */
final class OutputQueue {

    private final BufferPool pool;
    /** Buffers ready to be written: position to limit is pending. */
    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    private long size;

    OutputQueue(BufferPool pool) {
        this.pool = pool;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** How many bytes are pending. */
    long size() {
        return size;
    }

    /** Appends the remaining bytes of {@code source}, consuming them. */
    void append(ByteBuffer source) {
        size += source.remaining();
        ByteBuffer tail = buffers.peekLast();
        if (tail != null && tail.limit() < tail.capacity()) {
            fill(tail, source);
        }
        while (source.hasRemaining()) {
            ByteBuffer next = pool.acquire();
            next.limit(0);
            fill(next, source);
            buffers.add(next);
        }
    }

    /**
     * Writes up to {@code maxBytes} pending bytes to {@code channel} without blocking.
     *
     * @return how many were written
     */
    long writeTo(GatheringByteChannel channel, int maxBytes) throws IOException {
        long written = 0;
        while (!buffers.isEmpty() && written < maxBytes) {
            ByteBuffer head = buffers.peek();
            int limit = head.limit();
            head.limit((int) Math.min(limit, head.position() + (long) maxBytes - written));
            int n = channel.write(head);
            head.limit(limit);
            written += n;
            if (head.hasRemaining()) {
                break;
            }
            pool.release(buffers.poll());
        }
        size -= written;
        return written;
    }

    /** Drops everything pending and returns the buffers to the pool. */
    void clear() {
        for (ByteBuffer buffer; (buffer = buffers.poll()) != null; ) {
            pool.release(buffer);
        }
        size = 0;
    }

    /** Copies what fits of {@code source} after the pending bytes of {@code buffer}. */
    private static void fill(ByteBuffer buffer, ByteBuffer source) {
        int start = buffer.position();
        buffer.position(buffer.limit()).limit(buffer.capacity());
        int n = Math.min(buffer.remaining(), source.remaining());
        buffer.put(source.slice(source.position(), n));
        source.position(source.position() + n);
        buffer.limit(buffer.position()).position(start);
    }
}
