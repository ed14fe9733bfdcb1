package dev.usher.dispatcher;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.log.Logger;

/**
 * Writes access log lines to their {@link AccessLogSink} from a thread of its own, a batch at a
 * time, as nginx's {@code buffer=} and {@code flush=} do: the thread that answered a request only
 * appends its line to a buffer. Under load the writer takes what gathered at most every
 * {@value #GATHER_MILLIS} ms, so a sink's cost (a system call, a Log Service entry) is paid per
 * batch, off the answering threads; an idle server's line is written at once.
 *
 * <p>No line is lost: lines are written in the order they were added (which keeps each
 * connection's in the order its requests finished), {@link #close} writes what is left before it
 * returns, and a line added after it is written by the caller itself. When lines come faster than
 * the sink takes them, a caller waits once {@value #MAX_PENDING} bytes are pending, rather
 * than the heap filling up.
 */
final class AccessLogWriter {

    /** How long, at most, the writer lets lines gather after writing a batch. */
    static final long GATHER_MILLIS = 50;
    /** Bytes pending at which the writer is woken rather than left to gather. */
    private static final int WAKE_AT = 256 * 1024;
    private static final int INITIAL_BYTES = 16 * 1024;
    /** Bytes pending at which callers wait for the writer. */
    static final int MAX_PENDING = 4 * 1024 * 1024;

    private enum Phase {
        /** The writer waits for a first line, and must be woken for it. */
        IDLE,
        /** The writer writes or lets lines gather; it comes back for them by itself. */
        BUSY,
        /** Closed: callers write their own lines. */
        CLOSED
    }

    private final AccessLogSink sink;
    private final Logger problems;
    private final Thread thread;
    /**
     * Guards what is pending. Locks, not monitors: a caller on a virtual thread that waits for
     * room unmounts instead of pinning its carrier.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when lines are added, taken or the writer is asked to close. */
    private final Condition changed = lock.newCondition();
    /** Held while the sink is written: by the writer, or by a caller once closed. */
    private final ReentrantLock sinkLock = new ReentrantLock();
    /** Lines added and not taken by the writer yet, encoded as they are added. Guarded by lock. */
    private Utf8Lines pending = new Utf8Lines(INITIAL_BYTES);
    /** The buffer the writer writes from; swapped with pending. Only the writer touches it. */
    private Utf8Lines taken = new Utf8Lines(INITIAL_BYTES);
    /** Guarded by lock. */
    private Phase phase = Phase.BUSY;
    /** Whether close() asked the writer to finish. Guarded by lock. */
    private boolean closing;
    /** Whether the last write failed: the next failure is not logged again until one succeeds. Guarded by sinkLock. */
    private boolean failing;

    /**
     * Starts the writer's thread.
     *
     * @param problems where a sink's failures are logged
     */
    AccessLogWriter(AccessLogSink sink, String threadName, Logger problems) {
        this.sink = sink;
        this.problems = problems;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Adds a line, without its line end; it is written soon, in order. Any thread. */
    void add(CharSequence line) {
        Utf8Lines encoded = new Utf8Lines(line.length() + 16);
        encoded.addLine(line);
        add(encoded);
    }

    /** Adds {@code lines}, each ended by a newline; they are written soon, in order. Any thread. */
    void add(Utf8Lines lines) {
        lock.lock();
        try {
            while (pending.length() >= MAX_PENDING && phase != Phase.CLOSED) {
                changed.signalAll();
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    // the line is still written: only the wait is cut short
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (phase != Phase.CLOSED) {
                int before = pending.length();
                pending.append(lines);
                if (phase == Phase.IDLE || before < WAKE_AT && pending.length() >= WAKE_AT) {
                    phase = Phase.BUSY;
                    changed.signalAll();
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        // closed: this caller writes its own line, after everything the writer wrote
        sinkLock.lock();
        try {
            write(lines);
        } finally {
            sinkLock.unlock();
        }
    }

    /**
     * Writes what is pending, stops the thread and closes the sink; a line added from now on is
     * written by the caller that adds it. Waits for the writer at most {@code timeoutMillis}.
     */
    void close(long timeoutMillis) {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the writer's thread has ended; for tests. */
    boolean stopped() {
        return !thread.isAlive();
    }

    private void run() {
        while (true) {
            boolean last;
            lock.lock();
            try {
                while (pending.length() == 0 && !closing) {
                    phase = Phase.IDLE;
                    waitQuietly(0);
                }
                Utf8Lines full = pending;
                pending = taken;
                taken = full;
                last = closing;
                // callers may be waiting for room
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            sinkLock.lock();
            try {
                write(taken);
            } finally {
                sinkLock.unlock();
            }
            // a large batch's buffer is not kept for ever
            taken = taken.capacity() > 2 * WAKE_AT ? new Utf8Lines(INITIAL_BYTES) : taken;
            taken.clear();
            if (last) {
                lock.lock();
                try {
                    // what was added while the last batch was written; then callers write their own
                    sinkLock.lock();
                    try {
                        write(pending);
                        phase = Phase.CLOSED;
                        sink.close();
                    } finally {
                        sinkLock.unlock();
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            lock.lock();
            try {
                // let lines gather: one batch per interval under load rather than one a line
                if (!closing && pending.length() < WAKE_AT) {
                    waitQuietly(GATHER_MILLIS);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Writes whole lines; called holding sinkLock. */
    private void write(Utf8Lines lines) {
        if (lines.length() == 0) {
            return;
        }
        try {
            sink.write(lines.array(), lines.length());
            failing = false;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                problems.error("Cannot write the access log to {}: {}; lines are lost until it works again",
                        sink.describe(), e.toString());
            }
            failing = true;
        }
    }

    private void waitQuietly(long millis) {
        try {
            if (millis == 0) {
                changed.await();
            } else {
                changed.await(millis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            // only close() ends the writer, so that no line is lost
        }
    }
}
