package dev.usher.dispatcher;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Keeps a server's I/O loops moving while they run blocking calls on their own threads: every
 * {@value #TICK_MICROS} µs it {@linkplain IoLoop#releaseCallStartedBefore releases} a loop whose
 * call has run longer than {@value #SLOW_CALL_MICROS} µs, so that a new thread goes on with the
 * loop and the call finishes on the old one. It ticks only while calls run on loops, and
 * sleeps otherwise.
 */
final class LoopWatch implements Runnable {

    static final long SLOW_CALL_MICROS = 1000;
    static final long TICK_MICROS = 500;
    /** Ticks without a call on any loop before the watch sleeps. */
    private static final int IDLE_TICKS = 2000;

    private final Supplier<List<IoLoop>> loops;
    private final Thread thread;
    private volatile boolean asleep;
    private volatile boolean stopped;

    LoopWatch(Supplier<List<IoLoop>> loops, String name) {
        this.loops = loops;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    /** Starts the watch, once; a watch stopped stays stopped. */
    synchronized void start() {
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
    }

    /** A loop is about to run calls: the watch wakes if it sleeps. Any thread; cheap. */
    void calling() {
        if (asleep) {
            asleep = false;
            LockSupport.unpark(thread);
        }
    }

    /** Stops the watch and waits for its thread to end. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        if (thread.getState() != Thread.State.NEW && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        int idle = 0;
        while (!stopped) {
            if (check()) {
                idle = 0;
            } else if (++idle >= IDLE_TICKS) {
                asleep = true;
                // a loop that started a call after the check either sees asleep or was seen here
                if (!check()) {
                    LockSupport.park(this);
                }
                asleep = false;
                idle = 0;
                continue;
            }
            LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(TICK_MICROS));
        }
    }

    /** Releases the loops stuck in a slow call; whether any loop runs a call. */
    private boolean check() {
        long before = System.nanoTime() - TimeUnit.MICROSECONDS.toNanos(SLOW_CALL_MICROS);
        boolean calling = false;
        for (IoLoop loop : loops.get()) {
            calling |= loop.releaseCallStartedBefore(before);
        }
        return calling;
    }
}
