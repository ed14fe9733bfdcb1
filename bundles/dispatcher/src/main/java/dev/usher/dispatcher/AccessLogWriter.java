package dev.usher.dispatcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * Writes access log lines to their {@link AccessLogSink} from a thread of its own, a batch at a
 * time, as nginx's {@code buffer=} and {@code flush=} do: the thread that answered a request only
 * adds its line to a list. Under load the writer takes what gathered at most every
 * {@value #GATHER_MILLIS} ms, so a sink's cost (a system call, a Log Service entry's) is paid per
 * batch, off the answering threads; an idle server's line is written at once.
 *
 * <p>No line is lost: lines are written in the order they were added (which keeps each
 * connection's in the order its requests finished), {@link #close()} writes what is left before
 * it returns, and a line added after it is written by the caller itself. When lines come faster
 * than the sink takes them, a caller waits once {@value #MAX_PENDING} are pending, rather than
 * the heap filling up.
 */
final class AccessLogWriter {

    /** How long, at most, the writer lets lines gather after writing a batch. */
    static final long GATHER_MILLIS = 50;
    /** Lines pending at which the writer is woken rather than left to gather. */
    private static final int WAKE_AT = 4096;
    /** Lines pending at which callers wait for the writer. */
    static final int MAX_PENDING = 65536;

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
    private final Object lock = new Object();
    /** Lines added and not taken by the writer yet. Guarded by lock. */
    private List<String> pending = new ArrayList<>();
    /** Guarded by lock. */
    private Phase phase = Phase.BUSY;
    /** Whether close() asked the writer to finish. Guarded by lock. */
    private boolean closing;
    /** Whether the last write failed: the next failure is not logged again until one succeeds. */
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
    void add(String line) {
        synchronized (lock) {
            while (pending.size() >= MAX_PENDING && phase != Phase.CLOSED) {
                lock.notifyAll();
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // the line is still written: only the wait is cut short
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (phase != Phase.CLOSED) {
                pending.add(line);
                if (phase == Phase.IDLE || pending.size() == WAKE_AT) {
                    phase = Phase.BUSY;
                    lock.notifyAll();
                }
                return;
            }
        }
        // closed: this caller writes its own line, after everything the writer wrote
        synchronized (sink) {
            write(List.of(line));
        }
    }

    /**
     * Writes what is pending, stops the thread and closes the sink; a line added from now on is
     * written by the caller that adds it. Waits for the writer at most {@code timeoutMillis}.
     */
    void close(long timeoutMillis) {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
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
            List<String> batch;
            boolean last;
            synchronized (lock) {
                while (pending.isEmpty() && !closing) {
                    phase = Phase.IDLE;
                    waitQuietly(0);
                }
                batch = pending;
                pending = new ArrayList<>(Math.min(batch.size() * 2, MAX_PENDING));
                last = closing;
                if (batch.size() >= MAX_PENDING) {
                    // callers may be waiting for room
                    lock.notifyAll();
                }
            }
            if (!batch.isEmpty()) {
                synchronized (sink) {
                    write(batch);
                }
            }
            if (last) {
                synchronized (lock) {
                    // what was added while the last batch was written: the caller-writes phase starts after it
                    synchronized (sink) {
                        write(pending);
                        pending = List.of();
                        phase = Phase.CLOSED;
                        sink.close();
                    }
                    lock.notifyAll();
                }
                return;
            }
            synchronized (lock) {
                // let lines gather: one batch per interval under load rather than one a line
                if (!closing && pending.size() < WAKE_AT) {
                    waitQuietly(GATHER_MILLIS);
                }
            }
        }
    }

    private void write(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            sink.write(lines);
            failing = false;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                problems.error("Cannot write the access log to {}: {}; {} lines lost", sink.describe(), e.toString(),
                        lines.size());
            }
            failing = true;
        }
    }

    private void waitQuietly(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            // only close() ends the writer, so that no line is lost
        }
    }
}
