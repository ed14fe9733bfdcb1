package dev.usher.itests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;

/**
 * Felix Log prints nothing; this listener prints every entry to stdout (the failsafe report's
 * output file) so a failure comes with Usher's log, and lets a test wait for a message.
 */
final class LogCapture implements LogListener {

    /** A logged message with its level. */
    record Entry(LogLevel level, String message) {

        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final List<String> messages = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();

    @Override
    public void logged(LogEntry entry) {
        String logger = entry.getLoggerName();
        if (logger != null && logger.startsWith("Events.") && entry.getLogLevel().implies(LogLevel.INFO)) {
            return; // the framework's bundle and service events: noise
        }
        String bundle = entry.getBundle() == null ? "?" : entry.getBundle().getSymbolicName();
        System.out.printf("[log %s] %-5s %s %s [%s]: %s%n", Instant.ofEpochMilli(entry.getTime()),
                entry.getLogLevel(), bundle, logger, entry.getThreadInfo(), entry.getMessage());
        if (entry.getException() != null) {
            entry.getException().printStackTrace(System.out);
        }
        synchronized (this) {
            messages.add(entry.getMessage());
            entries.add(new Entry(entry.getLogLevel(), entry.getMessage()));
            notifyAll();
        }
    }

    /** Waits until a message containing {@code text} has been logged since this listener was added. */
    String await(String text, Duration timeout) throws InterruptedException {
        return awaitSince(0, text, timeout);
    }

    /**
     * A position in the log: pass it to {@link #awaitSince} or {@link #since} to look only at
     * what was logged after it (e.g. after a configuration update).
     */
    synchronized int mark() {
        return messages.size();
    }

    /** Waits until a message containing {@code text} has been logged after {@code mark}. */
    synchronized String awaitSince(int mark, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = mark; i < messages.size(); i++) {
                String message = messages.get(i);
                if (message != null && message.contains(text)) {
                    return message;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no log message containing '" + text + "' within " + timeout.toMillis()
                        + " ms; logged since: " + messages.subList(Math.min(mark, messages.size()), messages.size()));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The messages logged after {@code mark} that contain {@code text}. */
    synchronized List<String> since(int mark, String text) {
        List<String> found = new ArrayList<>();
        for (int i = mark; i < messages.size(); i++) {
            String message = messages.get(i);
            if (message != null && message.contains(text)) {
                found.add(message);
            }
        }
        return found;
    }

    /**
     * Waits until a message at {@code level} containing every one of {@code parts} has been
     * logged after {@code mark}.
     */
    synchronized Entry awaitSince(int mark, LogLevel level, Duration timeout, String... parts)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = mark; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                if (entry.level() == level && entry.message() != null
                        && Arrays.stream(parts).allMatch(entry.message()::contains)) {
                    return entry;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + level + " message containing " + Arrays.toString(parts)
                        + " within " + timeout.toMillis() + " ms; logged since: "
                        + entries.subList(Math.min(mark, entries.size()), entries.size()));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
