package dev.usher.dispatcher;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.usher.config.WorkerClass;
import dev.usher.dispatcher.monitor.PoolStatus;

/**
 * Where a server's blocking application calls run, as {@code worker_class} says.
 *
 * <p>{@code sync}: never more than {@code threads} at once (waitress's meaning), on the
 * {@code threads} application threads, or on an I/O loop's own thread while the call is quick
 * ({@link IoLoop}). A call holds one of {@code threads} permits wherever it runs; a call its loop
 * {@linkplain IoLoop released} keeps its permit on the thread it ran on, which is tracked here so
 * that a stop waits for it as for the application threads.
 *
 * <p>{@code virtual}: each call on a virtual thread of its own, without a permit: as many at once
 * as there are requests being answered, which {@code connection_limit} bounds. Those threads are
 * tracked too, for the stop. A change of {@code worker_class} applies to the calls that start
 * from then on; those running finish where they are.
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
    /** The virtual threads running calls. */
    private final Set<Thread> virtualCalls = ConcurrentHashMap.newKeySet();
    /** Null on a JVM without virtual threads. */
    private final ThreadFactory virtualThreads;
    private volatile WorkerClass workerClass;
    private int threads;

    /**
     * @param factory the application threads' factory
     * @param virtualPrefix the name of virtual threads, before their number
     */
    ApplicationCalls(int threads, WorkerClass workerClass, ThreadFactory factory, String virtualPrefix) {
        this.threads = threads;
        this.permits = new Permits(threads);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        this.virtualThreads = VirtualThreads.factory(virtualPrefix);
        workerClass(workerClass);
    }

    /**
     * Sets how calls starting from now on run.
     *
     * @throws IllegalStateException for {@code virtual} on a JVM without virtual threads (the
     *     settings' validation refuses it first)
     */
    void workerClass(WorkerClass next) {
        if (next == WorkerClass.VIRTUAL && virtualThreads == null) {
            throw new IllegalStateException("this JVM has no virtual threads");
        }
        workerClass = next;
    }

    /** Whether calls run on virtual threads, so none runs on an I/O loop's thread. */
    boolean virtual() {
        return workerClass == WorkerClass.VIRTUAL;
    }

    /** Runs {@code task} away from the I/O loop: on a virtual thread of its own, or on the pool. */
    void runAway(Task task) {
        if (workerClass == WorkerClass.VIRTUAL) {
            runOnVirtualThread(task);
        } else {
            runOnPool(task);
        }
    }

    private void runOnVirtualThread(Task task) {
        Thread thread = virtualThreads.newThread(() -> {
            try {
                task.run();
            } finally {
                virtualCalls.remove(Thread.currentThread());
            }
        });
        // tracked before it starts: it removes itself once done
        virtualCalls.add(thread);
        thread.start();
    }

    /** How many calls run on virtual threads now. */
    int virtualCallsRunning() {
        return virtualCalls.size();
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

    /** The calls running and waiting now, for the server's status. */
    synchronized PoolStatus status() {
        if (workerClass == WorkerClass.VIRTUAL) {
            int running = virtualCalls.size();
            return new PoolStatus(workerClass.setting(), running, running, 0, 0);
        }
        int busy = Math.max(0, threads - permits.availablePermits());
        // waiting: tasks not yet taken by a pool thread, and pool threads waiting for a permit
        int queued = pool.getQueue().size() + permits.getQueueLength();
        return new PoolStatus(workerClass.setting(), threads, busy, threads - busy, queued);
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
                interruptAll();
                awaitCalls(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            }
        } catch (InterruptedException e) {
            interruptAll();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once: calls under way are interrupted. */
    void stopNow() {
        interruptAll();
    }

    private void interruptAll() {
        pool.shutdownNow();
        released.forEach(Thread::interrupt);
        virtualCalls.forEach(Thread::interrupt);
    }

    private boolean awaitCalls(long deadlineNanos) throws InterruptedException {
        if (!pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Set<Thread> threads : List.of(released, virtualCalls)) {
            for (Thread thread : threads) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return released.isEmpty() && virtualCalls.isEmpty();
                }
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
        }
        return released.isEmpty() && virtualCalls.isEmpty();
    }
}
