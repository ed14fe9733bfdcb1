package dev.usher.dispatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One I/O loop with its own selector. It owns the channels registered with it: only its thread
 * reads them, registers interest and closes them. Other threads hand it work with
 * {@link #execute}.
 *
 * <p>A blocking application's call ({@link #call}) runs on the loop's own thread when it is
 * quick ({@link CallPacing}) and a permit is free ({@link ApplicationCalls}), after the loop has
 * handled what its wakeup brought: the hand-off to an application thread costs more than such a
 * call. A call that turns out slow, or that must wait for the loop (its output to drain),
 * <em>releases</em> the loop: a new thread goes on looping at once, and the call finishes on the
 * old thread, which then ends. The loop's thread therefore changes over time; {@link #turn}
 * says which it is, and whether it is inside a call, when it may lose the loop at any moment.
 */
final class IoLoop implements Runnable {

    /**
     * Which thread runs the loop, and since when it runs a call ({@link System#nanoTime}, 0 when
     * it does not). A new thread's first turn carries the call its predecessor was released in.
     */
    private record Turn(Thread thread, long callSinceNanos, Task call) {
    }

    private final String name;
    private final String releasedName;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Turn> turn;
    /** Calls to run on this thread once the wakeup's work is done; loop-confined. */
    private final ArrayDeque<Task> calls = new ArrayDeque<>();
    private final CallPacing pacing = new CallPacing();
    private final ApplicationCalls applicationCalls;
    private final LoopWatch watch;
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
     * @param releasedName the name of a thread the loop went on without, while it finishes its call
     * @param applicationCalls where calls that may not run here go, and the permits they take
     * @param watch releases the loop from a slow call
     * @param onDeath told of a throwable that killed the loop
     */
    IoLoop(String name, String releasedName, ApplicationCalls applicationCalls, LoopWatch watch,
            Consumer<Throwable> onDeath) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.name = name;
        this.releasedName = releasedName;
        this.applicationCalls = applicationCalls;
        this.watch = watch;
        this.onDeath = onDeath;
        this.turn = new AtomicReference<>(new Turn(new ServerThread(this, name), 0, null));
    }

    void start() {
        turn.get().thread.start();
    }

    /** Runs {@code task} on this loop's thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        // a call on the loop's thread that loses the loop after this check leaves the task to
        // its successor, which runs the tasks first
        if (Thread.currentThread() != turn.get().thread) {
            selector.wakeup();
        }
    }

    /**
     * Whether the current thread may act on the loop's connections now: it is the loop's thread,
     * and not inside a call, which may lose the loop to another thread at any moment.
     */
    boolean inLoop() {
        Turn current = turn.get();
        return current.thread == Thread.currentThread() && current.callSinceNanos == 0;
    }

    /** Whether {@code thread} runs the loop now, in a call or not; for the call watchdog. */
    boolean runsOn(Thread thread) {
        return turn.get().thread == thread;
    }

    /**
     * Runs the blocking {@code task} after the loop has handled what its wakeup brought: here if
     * its calls are quick and a permit is free, else on an application thread. Loop thread.
     */
    void call(Task task) {
        calls.add(task);
    }

    /**
     * Whether the current thread may wait for this loop to act (send output it holds): not the
     * loop's thread, or a call on it, which first releases the loop to a new thread; never the
     * loop's thread outside a call (a non-blocking application's), which must not wait.
     */
    boolean mayWait() {
        Turn current = turn.get();
        if (current.thread != Thread.currentThread()) {
            return true;
        }
        if (current.callSinceNanos == 0) {
            return false;
        }
        // if the watch released it first, the thread waits as well
        release(current);
        return true;
    }

    /**
     * Releases the loop from a call that started before {@code nanos}, if one runs; returns
     * whether a call runs. Any thread ({@link LoopWatch}).
     */
    boolean releaseCallStartedBefore(long nanos) {
        Turn current = turn.get();
        if (current.callSinceNanos == 0) {
            return false;
        }
        if (current.callSinceNanos - nanos < 0) {
            release(current);
        }
        return true;
    }

    /** Hands the loop over from the thread in {@code inCall} to a new thread; false if it moved on. */
    private boolean release(Turn inCall) {
        applicationCalls.releasedFromLoop(inCall.thread);
        Thread successor = new ServerThread(this, name);
        if (!turn.compareAndSet(inCall, new Turn(successor, 0, inCall.call))) {
            applicationCalls.releasedCallEnded(inCall.thread);
            return false;
        }
        inCall.thread.setName(releasedName);
        successor.start();
        return true;
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
        Turn first = turn.get();
        if (first.call != null) {
            // the predecessor was released in this call: its applications are slow for now
            pacing.released(first.call, System.nanoTime());
            turn.set(new Turn(first.thread, 0, null));
        }
        try {
            while (running) {
                runTasks();
                if (!runCalls()) {
                    // released: the loop goes on on another thread
                    return;
                }
                // what the calls' ends handed back (Connection.afterTask)
                runTasks();
                if (tasks.isEmpty() && calls.isEmpty()) {
                    selector.select(this::dispatch, retirement == null ? selectTimeoutMillis
                            : Math.min(selectTimeoutMillis, RETIRING_WAKEUP_MILLIS));
                } else {
                    selector.selectNow(this::dispatch);
                }
                now = System.nanoTime();
                timer.run();
                if (retirement != null) {
                    retirement.run();
                }
            }
        } catch (Throwable t) {
            if (turn.get().thread != Thread.currentThread()) {
                // thrown on a thread the loop had gone on without (from a call): the loop is fine
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
                return;
            }
            if (running) {
                abandonCalls();
                release(Selectable::abandon);
                stopped.countDown();
                onDeath.accept(t);
                return;
            }
        }
        runTasks();
        abandonCalls();
        release(Selectable::close);
        stopped.countDown();
    }

    /**
     * Runs the calls waiting, those not quick or without a permit on application threads;
     * false when a call released the loop, so that this thread no longer runs it.
     */
    private boolean runCalls() {
        if (calls.isEmpty()) {
            return true;
        }
        Thread self = Thread.currentThread();
        Turn looping = turn.get();
        boolean watched = false;
        for (Task task; (task = calls.poll()) != null; ) {
            long start = System.nanoTime();
            if (!pacing.quick(task, start) || !applicationCalls.enterOnLoop()) {
                applicationCalls.runAway(task);
                continue;
            }
            Turn inCall = new Turn(self, start, task);
            turn.set(inCall);
            if (!watched) {
                watch.calling();
                watched = true;
            }
            boolean kept;
            try {
                task.run();
            } finally {
                kept = turn.compareAndSet(inCall, looping);
                applicationCalls.exit();
            }
            if (!kept) {
                applicationCalls.releasedCallEnded(self);
                return false;
            }
            pacing.ran(task, task.applicationNanos(), System.nanoTime());
        }
        return true;
    }

    /** The calls that will not run now the loop ends: their requests' bodies are let go. */
    private void abandonCalls() {
        for (Task task; (task = calls.poll()) != null; ) {
            task.abandon();
        }
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
        return name;
    }
}
