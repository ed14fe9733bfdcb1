package dev.usher.runtime.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.usher.runtime.options.OsSignals;
import dev.usher.runtime.options.PidFile;

/**
 * The signals the launcher handles itself, for the whole life of the JVM (outside the framework,
 * so they work while it starts and while it stops):
 * <ul>
 * <li>TERM, INT: graceful stop -- {@code System.exit(0)} on a thread of its own; the console
 * bundle's shutdown hook ({@code StopOnExit}) then stops the framework and waits for it, and the
 * dispatcher lets requests in flight finish as it deactivates.
 * <li>INT while stopping: stop at once -- the pid file is removed and the JVM halts (exit 130).
 * <li>USR1: reopen the log file ({@code --log-file}).
 * <li>HUP, TTIN, TTOU: logged and ignored until the control bundle takes them over (their
 * default actions would end or suspend the JVM); it hands them back when it stops.
 * </ul>
 */
final class ProcessSignals {

    /** The exit status of a stop at once (128 + SIGINT). */
    static final int HALT_STATUS = 130;

    private final Path pidFile;
    private final LogFile logFile;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private ProcessSignals(Path pidFile, LogFile logFile) {
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    /** Installs the handlers; a signal the JVM will not let us handle (e.g. with -Xrs) is logged. */
    static void install(Path pidFile, LogFile logFile) {
        ProcessSignals signals = new ProcessSignals(pidFile, logFile);
        signals.handle("TERM", signals::stop);
        signals.handle("INT", signals::interrupt);
        signals.handle("USR1", signals::reopen);
        for (String early : new String[] {"HUP", "TTIN", "TTOU"}) {
            signals.handle(early, name -> ConsoleLine.warn("Handling signal: " + name + ": ignored, not started yet"));
        }
    }

    private void handle(String name, java.util.function.Consumer<String> action) {
        try {
            OsSignals.handle(name, action);
        } catch (IllegalArgumentException e) {
            ConsoleLine.warn("Signal " + name + " cannot be handled: " + e.getMessage());
        }
    }

    private void stop(String name) {
        if (stopping.getAndSet(true)) {
            ConsoleLine.info("Handling signal: " + name + ": already stopping");
            return;
        }
        ConsoleLine.info("Handling signal: " + name + ": stopping gracefully");
        // System.exit runs the shutdown hooks and waits for them: not on the signal's thread
        Thread exit = new Thread(() -> System.exit(0), "usher-stop");
        exit.start();
    }

    private void interrupt(String name) {
        if (!stopping.get()) {
            stop(name);
            return;
        }
        ConsoleLine.warn("Handling signal: " + name + ": stopping at once");
        if (pidFile != null) {
            PidFile.removeIfOwn(pidFile, ProcessHandle.current().pid());
        }
        System.out.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }

    private void reopen(String name) {
        if (logFile == null) {
            ConsoleLine.info("Handling signal: " + name + ": no log file to reopen");
            return;
        }
        try {
            logFile.reopen();
            ConsoleLine.info("Handling signal: " + name + ": reopened " + logFile.path());
        } catch (IOException e) {
            ConsoleLine.error("Handling signal: " + name + ": cannot reopen " + logFile.path() + ": " + e);
        }
    }
}
