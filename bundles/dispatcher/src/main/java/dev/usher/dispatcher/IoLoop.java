package dev.usher.dispatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One I/O thread with its own selector. It owns the channels registered with it: only this
 * thread reads them, registers interest and closes them. Other threads hand it work with
 * {@link #execute}.
 */
final class IoLoop implements Runnable {

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final Consumer<Throwable> onDeath;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Connection> sweepScratch = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long selectTimeoutMillis = 1000;
    /** The time at the end of the last wait: a clock for timeouts that costs no call per read. */
    private volatile long now = System.nanoTime();
    private ByteBuffer readBuffer;
    private Runnable timer = () -> { };
    /** What a retiring loop does after each wakeup besides its timer; null while not retiring. */
    private Runnable retirement;
    private static final long RETIRING_WAKEUP_MILLIS = 100;

    /**
     * @param name the thread's name
     * @param onDeath told of a throwable that killed the loop
     */
    IoLoop(String name, Consumer<Throwable> onDeath) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.onDeath = onDeath;
        this.thread = new ServerThread(this, name, true);
    }

    void start() {
        thread.start();
    }

    /** Runs {@code task} on this loop's thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    Selector selector() {
        return selector;
    }

    /**
     * The loop's read buffer: connections read into it and consume it before returning, so
     * one buffer serves every connection of the loop and an idle connection holds none.
     */
    ByteBuffer readBuffer(int size) {
        if (readBuffer == null || readBuffer.capacity() != size) {
            readBuffer = ByteBuffer.allocateDirect(size);
        }
        return readBuffer.clear();
    }

    /** Sets the longest wait in the selector, and what to run after each wait. */
    void timing(long selectTimeoutMillis, Runnable timer) {
        execute(() -> {
            this.selectTimeoutMillis = selectTimeoutMillis;
            this.timer = timer;
        });
    }

    /**
     * Runs {@code handOver} after every wakeup from now on, at least every 100 ms, besides the
     * timer: the timer keeps its sweep of idle connections and deadlines for the connections
     * that cannot leave yet.
     */
    void retire(Runnable handOver) {
        execute(() -> {
            retirement = handOver;
            handOver.run();
        });
    }

    /** The connections registered with this loop, for a sweep; call on the loop's thread. */
    List<Connection> connections() {
        sweepScratch.clear();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Connection c) {
                sweepScratch.add(c);
            }
        }
        return sweepScratch;
    }

    /** {@link System#nanoTime()} as of the loop's last wakeup: at most one wait old. */
    long now() {
        return now;
    }

    /** Asks the loop to close everything and end; returns at once. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    /** Waits for the loop's thread to end. */
    void join() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void run() {
        try {
            while (running) {
                runTasks();
                selector.select(this::dispatch,
                        retirement == null ? selectTimeoutMillis : Math.min(selectTimeoutMillis, RETIRING_WAKEUP_MILLIS));
                now = System.nanoTime();
                timer.run();
                if (retirement != null) {
                    retirement.run();
                }
            }
        } catch (Throwable t) {
            if (running) {
                release(Selectable::abandon);
                stopped.countDown();
                onDeath.accept(t);
                return;
            }
        }
        runTasks();
        release(Selectable::close);
        stopped.countDown();
    }

    private void dispatch(SelectionKey key) {
        ((Selectable) key.attachment()).ready(key);
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
        }
    }

    /**
     * Lets go of everything registered, then the selector: {@code close} as the loop stops,
     * {@code abandon} after an unexpected throwable (its listeners go on in the replacement).
     */
    private void release(Consumer<Selectable> how) {
        for (SelectionKey key : selector.keys()) {
            // a cancelled key belongs to a connection handed to another loop
            if (key.isValid() && key.attachment() instanceof Selectable s) {
                how.accept(s);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return thread.getName();
    }
}
