package dev.usher.servlet;

import java.util.concurrent.atomic.LongAdder;

/**
 * The calls in progress of a servlet or a filter. Taking it out of service waits for them
 * before {@code destroy}, as the Servlet specification requires of both, and refuses new ones
 * from then on. A request may have read the routing just before the servlet or filter left it,
 * and it must not call it once {@code destroy} may have run.
 */
final class Calls {

    // striped: every call of every thread counts here, and a shared counter would make them queue
    private final LongAdder calls = new LongAdder();
    private volatile boolean draining;

    /**
     * Counts a call in, unless {@link #awaitIdle} has begun: then it counts nothing and returns
     * false, and the caller must not make the call. This method counts before it reads
     * {@code draining}, and {@code awaitIdle} sets {@code draining} before it reads the count,
     * so at least one of the two sees the other.
     */
    boolean enter() {
        calls.increment();
        if (draining) {
            leave();
            return false;
        }
        return true;
    }

    /** Counts a call out; paired with an {@link #enter()} that returned true. */
    void leave() {
        calls.decrement();
        if (draining) {
            synchronized (calls) {
                calls.notifyAll();
            }
        }
    }

    /**
     * Refuses new calls, then waits up to {@code millis} for the calls in progress to return.
     * It is only called once the servlet or filter is out of the routing.
     */
    void awaitIdle(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        draining = true;
        synchronized (calls) {
            while (calls.sum() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                try {
                    calls.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
