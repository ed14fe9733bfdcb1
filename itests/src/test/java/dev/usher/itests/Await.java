package dev.usher.itests;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounded polling for what has no event to wait on (a socket being bound or closed by the
 * server's I/O loop): tries a condition until it holds or a deadline passes, parking briefly
 * between tries.
 */
final class Await {

    static final Duration DEFAULT = Duration.ofSeconds(15);
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    private Await() {
    }

    /**
     * Calls {@code attempt} until it returns non-null, then returns that value. An exception from
     * an attempt counts as "not yet"; the last one is reported if the deadline passes.
     */
    static <T> T until(String what, Duration timeout, Callable<T> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                T value = attempt.call();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError error = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + (last != null ? "; last failure: " + last : ""));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    static <T> T until(String what, Callable<T> attempt) {
        return until(what, DEFAULT, attempt);
    }

    /** Waits until {@code condition} holds. */
    static void condition(String what, Duration timeout, Callable<Boolean> condition) {
        until(what, timeout, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
    }

    static void condition(String what, Callable<Boolean> condition) {
        condition(what, DEFAULT, condition);
    }
}
