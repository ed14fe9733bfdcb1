package dev.usher.dispatcher;

import java.nio.ByteBuffer;

/**
 * A thread of a server, an application thread or an I/O loop's. It keeps one direct buffer in
 * which a task encodes its responses, so the responses to a batch of requests reach the socket
 * in one write with no pooled buffer taken in the common case.
 */
final class ServerThread extends Thread {

    static final int SCRATCH_SIZE = 64 * 1024;

    private final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);

    ServerThread(Runnable target, String name) {
        super(target, name);
    }

    /** This thread's buffer, or a new one when called on another thread. */
    static ByteBuffer scratch() {
        return Thread.currentThread() instanceof ServerThread worker
                ? worker.scratch.clear()
                : ByteBuffer.allocateDirect(SCRATCH_SIZE);
    }
}
