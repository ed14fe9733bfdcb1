package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.buffers.BufferPool;

class OutputQueueTest {

    @TempDir
    Path dir;

    /** A channel that takes at most {@code perWrite} bytes a call, like a full socket. */
    private static final class Trickle implements ByteChannel {
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
        public int read(ByteBuffer dst) {
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
        OutputQueue queue = new OutputQueue(pool, dir);
        byte[] all = new byte[1234];
        new Random(1).nextBytes(all);
        Trickle channel = new Trickle(37);
        int at = 0;
        Random sizes = new Random(2);
        while (at < all.length) {
            int n = Math.min(all.length - at, 1 + sizes.nextInt(150));
            queue.append(ByteBuffer.wrap(all, at, n), Long.MAX_VALUE);
            at += n;
            queue.writeTo(new PlainTransport(channel), 50);
        }
        assertTrue(queue.size() > 0);
        while (!queue.isEmpty()) {
            long before = queue.size();
            long written = queue.writeTo(new PlainTransport(channel), 50);
            assertEquals(before - written, queue.size());
            assertTrue(written <= 50);
        }
        assertArrayEquals(all, channel.taken.toByteArray());
        assertTrue(pool.idle() > 0, "written buffers went back to the pool");
    }

    @Test
    void spillsPastTheMemoryLimitIntoAFileDeletedOnceSent() throws Exception {
        OutputQueue queue = new OutputQueue(new BufferPool(64, 10), dir);
        byte[] all = new byte[5000];
        new Random(5).nextBytes(all);
        Trickle channel = new Trickle(300);
        for (int at = 0; at < all.length; at += 500) {
            queue.append(ByteBuffer.wrap(all, at, 500), 1000);
        }
        assertTrue(queue.spilled());
        assertEquals(1, files());
        while (!queue.isEmpty()) {
            queue.writeTo(new PlainTransport(channel), 700);
        }
        assertArrayEquals(all, channel.taken.toByteArray());
        assertEquals(0, files(), "the temporary file is deleted once sent");
        queue.append(ByteBuffer.wrap(all, 0, 10), 1000);
        assertEquals(0, files(), "back in memory once the file is gone");
    }

    @Test
    void clearDeletesTheSpillFile() throws Exception {
        OutputQueue queue = new OutputQueue(new BufferPool(64, 10), dir);
        queue.append(ByteBuffer.wrap(new byte[3000]), 100);
        assertEquals(1, files());
        queue.clear();
        assertEquals(0, files());
        assertTrue(queue.isEmpty());
    }

    private long files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        }
    }

    @Test
    void clearReleasesEverything() throws Exception {
        BufferPool pool = new BufferPool(10, 10);
        OutputQueue queue = new OutputQueue(pool, dir);
        queue.append(ByteBuffer.wrap(new byte[35]), Long.MAX_VALUE);
        assertEquals(35, queue.size());
        queue.clear();
        assertTrue(queue.isEmpty());
        assertEquals(4, pool.idle());
    }
}
