package dev.usher.buffers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void reusesReleasedBuffersCleared() {
        BufferPool pool = new BufferPool(64, 2);
        ByteBuffer a = pool.acquire();
        assertTrue(a.isDirect());
        assertEquals(64, a.capacity());
        a.put((byte) 1).flip();
        pool.release(a);
        ByteBuffer b = pool.acquire();
        assertSame(a, b);
        assertEquals(0, b.position());
        assertEquals(64, b.limit());
    }

    @Test
    void keepsNoMoreThanItsRetention() {
        BufferPool pool = new BufferPool(16, 2);
        ByteBuffer[] taken = {pool.acquire(), pool.acquire(), pool.acquire()};
        for (ByteBuffer b : taken) {
            pool.release(b);
        }
        assertEquals(2, pool.idle());
    }

    @Test
    void countsTheBuffersNotReleased() {
        BufferPool pool = new BufferPool(16, 1);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        assertEquals(2, pool.outstanding());
        pool.release(a);
        assertEquals(1, pool.outstanding());
        pool.release(b);
        assertEquals(0, pool.outstanding(), "the one not retained counts as released too");
        assertThrows(IllegalArgumentException.class, () -> pool.release(ByteBuffer.allocate(16)));
        assertEquals(0, pool.outstanding(), "a foreign buffer changes nothing");
    }

    @Test
    void refusesForeignBuffers() {
        BufferPool pool = new BufferPool(16, 2);
        assertThrows(IllegalArgumentException.class, () -> pool.release(ByteBuffer.allocateDirect(8)));
        assertThrows(IllegalArgumentException.class, () -> pool.release(ByteBuffer.allocate(16)));
    }
}
