package dev.usher.runtime.console;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Prints Log Service entries to standard output, one line each (plus the stack trace of an
 * entry's exception).
 *
 * <p>Framework properties:
 * <ul>
 * <li>{@value #LEVEL_PROPERTY}: the least severe level printed ({@code INFO} when unset;
 * {@code AUDIT}, {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG}, {@code TRACE}).
 * Entries are only logged at all at the levels the Log Service's {@code LoggerAdmin} lets
 * through (framework property {@code org.osgi.service.log.admin.loglevel}), so printing
 * {@code DEBUG} needs both.</li>
 * <li>{@value #EVENTS_PROPERTY}: {@code true} also prints the bundle, service and framework
 * events the Log Service records at {@code INFO}; otherwise only those at {@code WARN} or
 * worse.</li>
 * <li>{@value #NAME_PROPERTY}: the process name ({@code -n}), shown in brackets in each line.</li>
 * </ul>
 *
 * <p>Lines go to {@link System#out} as it is at the moment of printing: the launcher points it
 * at the log file with {@code --log-file} and at a new one when USR1 reopens it. They are printed
 * a batch at a time, at most {@value #FLUSH_MILLIS} ms after the first of them arrived, so that
 * an access log's thousands of lines a second cost a few writes, not one (or more) each. They
 * are printed in UTF-8, whatever the platform's encoding, as {@code accesslog=-} prints.
 *
 * <p>On activation it first prints what the Log Service still holds of its history, so what
 * was logged before this component started is not lost (as far as the history reaches). On
 * deactivation it prints from the history what the listener has not delivered yet (the Log
 * Service delivers entries on its own thread), so the last lines of a stopping framework are
 * not lost either.
 */
@Component(service = {}) // no service: it only listens
public final class ConsoleLog {

    /** Framework property naming the least severe level printed. */
    public static final String LEVEL_PROPERTY = "usher.log.level";

    /** Framework property that, set to {@code true}, prints the framework's event entries too. */
    public static final String EVENTS_PROPERTY = "usher.log.events";

    /** Framework property holding the process name shown in each line. */
    public static final String NAME_PROPERTY = "usher.name";

    private final LogReaderService reader;
    private final LogLine format;
    /** Sequence numbers of replayed history entries the listener may deliver once more. */
    private final Set<Long> replayed = new HashSet<>();
    /** The highest sequence number seen, printed or not. */
    private long seen = -1;
    private final LogListener listener = this::logged;

    /** The longest a line waits to be printed. */
    static final long FLUSH_MILLIS = 20;
    /** Text waiting that is printed at once rather than left to wait. */
    private static final int FLUSH_AT = 64 * 1024;

    /** Lines formatted and not printed yet, in UTF-8. Guarded by this. */
    private final LineBuffer unprinted = new LineBuffer(FLUSH_AT);
    /** Whether a flush of {@link #unprinted} is scheduled. Guarded by this. */
    private boolean flushScheduled;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "usher-console-log");
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public ConsoleLog(BundleContext context, @Reference LogReaderService reader) {
        this.reader = reader;
        this.format = LogLine.fromProperties(context.getProperty(LEVEL_PROPERTY),
                context.getProperty(EVENTS_PROPERTY), context.getProperty(NAME_PROPERTY), this::warn);
        synchronized (this) {
            // Listen first, then replay: an entry logged in between is in both, and printed once.
            reader.addLogListener(listener);
            for (LogEntry entry : history(reader)) {
                replayed.add(entry.getSequence());
                seen = Math.max(seen, entry.getSequence());
                print(entry);
            }
        }
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(listener);
        synchronized (this) {
            for (LogEntry entry : history(reader)) {
                if (entry.getSequence() > seen) {
                    print(entry);
                }
            }
            flush();
        }
        flusher.shutdownNow();
    }

    private synchronized void logged(LogEntry entry) {
        if (!replayed.isEmpty() && replayed.remove(entry.getSequence())) {
            return;
        }
        seen = Math.max(seen, entry.getSequence());
        print(entry);
    }

    /** The Log Service's history, oldest first. */
    private static List<LogEntry> history(LogReaderService reader) {
        List<LogEntry> history = new ArrayList<>();
        for (var entries = reader.getLog(); entries.hasMoreElements(); ) {
            history.add(entries.nextElement());
        }
        Collections.reverse(history); // getLog() is most recent first
        return history;
    }

    /** Formats the entry, if printed at all, for the next flush. Called holding this. */
    private void print(LogEntry entry) {
        if (!format.accepts(entry)) {
            return;
        }
        format.appendTo(unprinted, entry);
        if (entry.getException() != null) {
            StringWriter trace = new StringWriter();
            entry.getException().printStackTrace(new PrintWriter(trace));
            unprinted.append(trace.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (unprinted.size() >= FLUSH_AT) {
            flush();
        } else if (!flushScheduled) {
            flushScheduled = true;
            try {
                flusher.schedule(this::flush, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException deactivated) {
                flush();
            }
        }
    }

    /** Prints what waits, in one go. */
    synchronized void flush() {
        flushScheduled = false;
        if (unprinted.size() > 0) {
            PrintStream out = System.out;
            unprinted.printTo(out);
            out.flush();
        }
    }

    private void warn(String message) {
        System.out.println(message);
    }
}
