package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.usher.buffers.BufferPool;

class OutputQueueTest {

    /** A channel that takes at most {@code perWrite} bytes a call, like a full socket. */
    private static final class Trickle implements GatheringByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        int perWrite;

        Trickle(int perWrite) {
            this.perWrite = perWrite;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(perWrite, src.remaining());
            for (int i = 0; i < n; i++) {
                taken.write(src.get());
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void keepsOrderAcrossBuffersAndPartialWritesAndReturnsBuffersToThePool() throws Exception {
        BufferPool pool = new BufferPool(100, 10);
        OutputQueue queue = new OutputQueue(pool);
        byte[] all = new byte[1234];
        new Random(1).nextBytes(all);
        Trickle channel = new Trickle(37);
        int at = 0;
        Random sizes = new Random(2);
        while (at < all.length) {
            int n = Math.min(all.length - at, 1 + sizes.nextInt(150));
            queue.append(ByteBuffer.wrap(all, at, n));
            at += n;
            queue.writeTo(channel, 50);
        }
        assertTrue(queue.size() > 0);
        while (!queue.isEmpty()) {
            long before = queue.size();
            long written = queue.writeTo(channel, 50);
            assertEquals(before - written, queue.size());
            assertTrue(written <= 50);
        }
        assertArrayEquals(all, channel.taken.toByteArray());
        assertTrue(pool.idle() > 0, "written buffers went back to the pool");
    }

    @Test
    void clearReleasesEverything() {
        BufferPool pool = new BufferPool(10, 10);
        OutputQueue queue = new OutputQueue(pool);
        queue.append(ByteBuffer.wrap(new byte[35]));
        assertEquals(35, queue.size());
        queue.clear();
        assertTrue(queue.isEmpty());
        assertEquals(4, pool.idle());
    }
}
