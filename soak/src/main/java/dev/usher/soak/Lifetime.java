package dev.usher.soak;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How long a group of client loops runs: they pace themselves with {@link #pause} and stop when
 * it returns false. {@link #stop()} also closes the connections they registered, so a loop blocked
 * reading a connection the server holds open returns at once instead of at its read timeout.
 */
public final class Lifetime {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    public boolean running() {
        return stopped.getCount() > 0;
    }

    /** Waits {@code pause} (pacing, not synchronisation); false when stopped meanwhile. */
    public boolean pause(Duration pause) {
        try {
            return !stopped.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Registers a connection to close at {@link #stop()}; closes it at once if stopped already. */
    public <T extends AutoCloseable> T track(T connection) {
        open.add(connection);
        if (!running()) {
            close(connection);
        }
        return connection;
    }

    public void untrack(AutoCloseable connection) {
        open.remove(connection);
    }

    public void stop() {
        stopped.countDown();
        open.forEach(Lifetime::close);
    }

    private static void close(AutoCloseable connection) {
        try {
            connection.close();
        } catch (Exception ignored) {
            // stopping: nothing more to do with it
        }
    }
}
