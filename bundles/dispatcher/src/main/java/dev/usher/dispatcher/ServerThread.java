package dev.usher.dispatcher;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread of a server, an application thread or an I/O loop's. It keeps one direct buffer in
 * which a task encodes its responses, so the responses to a batch of requests reach the socket
 * in one write with no pooled buffer taken in the common case.
 *
 * <p>Other threads (virtual threads, an application's own thread completing a response later)
 * borrow such a buffer from a small shared stock while they encode, and give it back once it is
 * sent: a virtual thread per request must not cost a direct buffer per request, nor hold one
 * while its request waits.
 */
final class ServerThread extends Thread {

    static final int SCRATCH_SIZE = 64 * 1024;
    /** Borrowed buffers kept for reuse at most. */
    private static final int STOCK = 32;

    private static final ConcurrentLinkedQueue<ByteBuffer> stock = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger stocked = new AtomicInteger();

    private final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);

    ServerThread(Runnable target, String name) {
        super(target, name);
    }

    /** The current thread's own buffer, emptied; null when it is not a server thread. */
    static ByteBuffer ownScratch() {
        return Thread.currentThread() instanceof ServerThread worker ? worker.scratch.clear() : null;
    }

    /** A buffer of {@value #SCRATCH_SIZE} bytes, emptied, to be given back with {@link #giveBack}. */
    static ByteBuffer borrow() {
        ByteBuffer borrowed = stock.poll();
        if (borrowed == null) {
            return ByteBuffer.allocateDirect(SCRATCH_SIZE);
        }
        stocked.decrementAndGet();
        return borrowed.clear();
    }

    /** Returns a buffer {@link #borrow} lent; kept for the next borrower unless the stock is full. */
    static void giveBack(ByteBuffer buffer) {
        if (stocked.incrementAndGet() <= STOCK) {
            stock.offer(buffer);
        } else {
            stocked.decrementAndGet();
        }
    }
}
