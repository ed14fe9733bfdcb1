package dev.usher.dispatcher;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a server's blocking application calls run, never more than {@code threads} at once
 * (waitress's meaning): on the {@code threads} application threads, or on an I/O loop's own
 * thread while the call is quick ({@link IoLoop}). A call holds one of {@code threads} permits
 * wherever it runs; a call its loop {@linkplain IoLoop released} keeps its permit on the thread
 * it ran on, which is tracked here so that a stop waits for it as for the application threads.
 */
final class ApplicationCalls {

    /** The permits, resizable while calls hold them. */
    private static final class Permits extends Semaphore {
        private static final long serialVersionUID = 1L;

        Permits(int permits) {
            super(permits);
        }

        void resize(int from, int to) {
            if (to > from) {
                release(to - from);
            } else if (to < from) {
                reducePermits(from - to);
            }
        }
    }

    private final Permits permits;
    private final ThreadPoolExecutor pool;
    private final Set<Thread> released = ConcurrentHashMap.newKeySet();
    private int threads;

    ApplicationCalls(int threads, ThreadFactory factory) {
        this.threads = threads;
        this.permits = new Permits(threads);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }

    /** Runs {@code task} on an application thread, once a permit is free. */
    void runOnPool(Task task) {
        pool.execute(() -> {
            permits.acquireUninterruptibly();
            try {
                task.run();
            } finally {
                permits.release();
            }
        });
    }

    /**
     * Takes a permit for a call on an I/O loop's thread; false when none is free, or when an
     * application thread waits for one (the loops must not starve it).
     */
    boolean enterOnLoop() {
        return !permits.hasQueuedThreads() && permits.tryAcquire();
    }

    /** A call that {@link #enterOnLoop} admitted is over; any thread. */
    void exit() {
        permits.release();
    }

    /** The thread of a call its loop went on without; until the call ends. */
    void releasedFromLoop(Thread thread) {
        released.add(thread);
    }

    /** The call on a thread released from its loop is over. */
    void releasedCallEnded(Thread thread) {
        released.remove(thread);
    }

    /** Sets {@code threads}: the application threads, and the calls at once anywhere. */
    synchronized void resize(int next) {
        if (next > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(next);
            pool.setCorePoolSize(next);
        } else {
            pool.setCorePoolSize(next);
            pool.setMaximumPoolSize(next);
        }
        permits.resize(threads, next);
        threads = next;
    }

    /** How many application threads there may be. */
    int threads() {
        return pool.getMaximumPoolSize();
    }

    /**
     * Waits until {@code deadlineNanos} ({@link System#nanoTime}) for the calls under way to end,
     * then interrupts those left and gives them a second more.
     */
    void stop(long deadlineNanos) {
        pool.shutdown();
        try {
            if (!awaitCalls(deadlineNanos)) {
                pool.shutdownNow();
                released.forEach(Thread::interrupt);
                awaitCalls(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            released.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once: calls under way are interrupted. */
    void stopNow() {
        pool.shutdownNow();
        released.forEach(Thread::interrupt);
    }

    private boolean awaitCalls(long deadlineNanos) throws InterruptedException {
        if (!pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Thread thread : released) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return released.isEmpty();
            }
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return released.isEmpty();
    }
}
