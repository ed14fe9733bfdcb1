package dev.usher.runtime.control;

import java.util.function.Consumer;
import java.util.function.IntSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;

/**
 * Tells when the runtime serves, from what the framework and the dispatcher say: the framework
 * has started (every bundle at its start level), and the dispatcher has logged
 * {@code Serving on ...} at least once for each address the servers' settings name. A server
 * that could not start before that ({@code ... not started} at ERROR from the config bundle or the
 * dispatcher) is a failed start. Decides once.
 */
final class Readiness implements LogListener, FrameworkListener {

    static final String DISPATCHER = "dev.usher.dispatcher";
    static final String CONFIG = "dev.usher.config";
    static final String SERVING = "Serving on ";
    static final String NOT_STARTED = "not started";

    private final IntSupplier expectedAddresses;
    private final Runnable ready;
    private final Consumer<String> failed;
    private boolean started;
    private int serving;
    private boolean decided;

    /**
     * @param started whether the framework has started already
     * @param expectedAddresses how many addresses the servers' settings name, at the moment
     * @param ready called once when serving
     * @param failed called once with the error when a server could not start first
     */
    Readiness(boolean started, IntSupplier expectedAddresses, Runnable ready, Consumer<String> failed) {
        this.started = started;
        this.expectedAddresses = expectedAddresses;
        this.ready = ready;
        this.failed = failed;
    }

    @Override
    public void logged(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        String bsn = bundle == null ? null : bundle.getSymbolicName();
        String message = entry.getMessage();
        if (message == null) {
            return;
        }
        String failure = null;
        synchronized (this) {
            if (decided) {
                return;
            }
            if (DISPATCHER.equals(bsn) && message.startsWith(SERVING)) {
                serving++;
            } else if (entry.getLogLevel() == LogLevel.ERROR && (DISPATCHER.equals(bsn) || CONFIG.equals(bsn))
                    && message.contains(NOT_STARTED)) {
                decided = true;
                failure = message;
            }
        }
        if (failure != null) {
            failed.accept(failure);
        } else {
            check();
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            synchronized (this) {
                started = true;
            }
            check();
        }
    }

    /** Looks again: the servers' settings changed. */
    void check() {
        synchronized (this) {
            if (decided || !started || serving == 0 || serving < expectedAddresses.getAsInt()) {
                return;
            }
            decided = true;
        }
        ready.run();
    }
}
