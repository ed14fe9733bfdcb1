package dev.usher.buffers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverflowableBufferTest {

    @TempDir
    Path dir;

    @Test
    void keepsBytesUpToTheThresholdInMemory() throws IOException {
        try (OverflowableBuffer buffer = new OverflowableBuffer(10, dir)) {
            buffer.write(bytes(10), 0, 10);
            assertFalse(buffer.overflowed());
            assertEquals(0, files());
            assertArrayEquals(bytes(10), read(buffer));
        }
    }

    @Test
    void spillsToAFileOneBytePastTheThresholdAndDeletesItOnClose() throws IOException {
        OverflowableBuffer buffer = new OverflowableBuffer(10, dir);
        buffer.write(bytes(6), 0, 6);
        buffer.write(ByteBuffer.wrap(bytes(11), 6, 5));
        assertTrue(buffer.overflowed());
        assertEquals(11, buffer.length());
        assertEquals(1, files());
        assertArrayEquals(bytes(11), read(buffer));
        buffer.close();
        assertEquals(0, files());
        buffer.close();
    }

    @Test
    void largeRandomWritesReadBackIntact() throws IOException {
        Random random = new Random(42);
        byte[] all = new byte[3_000_000];
        random.nextBytes(all);
        try (OverflowableBuffer buffer = new OverflowableBuffer(65536, dir)) {
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(20000));
                buffer.write(all, at, n);
                at += n;
            }
            assertArrayEquals(all, read(buffer));
        }
        assertEquals(0, files());
    }

    @Test
    void zeroThresholdSpillsAtOnce() throws IOException {
        try (OverflowableBuffer buffer = new OverflowableBuffer(0, dir)) {
            buffer.write(bytes(1), 0, 1);
            assertTrue(buffer.overflowed());
        }
    }

    @Test
    void refusesUseAfterClose() throws IOException {
        OverflowableBuffer buffer = new OverflowableBuffer(4, dir);
        buffer.close();
        assertThrows(IllegalStateException.class, () -> buffer.write(bytes(1), 0, 1));
        assertThrows(IllegalStateException.class, buffer::inputStream);
    }

    private static byte[] read(OverflowableBuffer buffer) throws IOException {
        try (InputStream in = buffer.inputStream()) {
            return in.readAllBytes();
        }
    }

    private long files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }
}
