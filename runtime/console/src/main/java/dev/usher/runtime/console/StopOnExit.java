package dev.usher.runtime.console;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.log.LogLevel;

/**
 * Stops the framework when the JVM is asked to exit (SIGTERM, Ctrl-C -- which the launcher turns
 * into {@code System.exit(0)} --, {@code System.exit}), and waits for it to stop, so that every
 * bundle stops in order and every component is deactivated: servers close their listeners and
 * let requests in flight finish (bounded by their {@code graceful_timeout}).
 *
 * <p>The bnd launcher that runs the executable jar registers no such hook (its only hook
 * deletes the temporary framework storage). When the framework has stopped, the hook says so
 * on the console: the Log Service is gone by then.
 *
 * <p>How long it waits: framework property {@value #TIMEOUT_PROPERTY} in seconds; by default
 * (0) until the framework has stopped -- the servers bound their own stop, and a second INT
 * (the launcher halts), systemd's {@code TimeoutStopSec} or a KILL bound the whole. While it
 * waits it says so every {@value #PROGRESS_SECONDS} seconds.
 */
@Component(service = {})
public final class StopOnExit {

    /** Framework property: seconds the hook waits for the framework to stop; 0 for no bound. */
    public static final String TIMEOUT_PROPERTY = "usher.stop.timeout";

    /** Seconds between two "still stopping" lines. */
    static final long PROGRESS_SECONDS = 10;

    private final Thread hook;

    @Activate
    public StopOnExit(BundleContext context) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        String bsn = context.getBundle().getSymbolicName();
        String name = context.getProperty(ConsoleLog.NAME_PROPERTY);
        long timeoutMillis = timeoutMillis(context.getProperty(TIMEOUT_PROPERTY));
        this.hook = new Thread(() -> stop(system, bsn, name, timeoutMillis), "usher-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what is stopping us
        }
    }

    /** The property's seconds in milliseconds; 0 (no bound) when unset or not a number. */
    static long timeoutMillis(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(seconds.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void stop(Bundle system, String bsn, String name, long timeoutMillis) {
        long start = System.nanoTime();
        try {
            system.stop();
            if (!(system instanceof Framework framework)) {
                return; // nothing to wait on
            }
            while (true) {
                long waited = (System.nanoTime() - start) / 1_000_000;
                long wait = PROGRESS_SECONDS * 1000;
                if (timeoutMillis > 0) {
                    if (waited >= timeoutMillis) {
                        print(LogLevel.WARN, name, bsn, "The framework did not stop within " + timeoutMillis + " ms");
                        return;
                    }
                    wait = Math.min(wait, timeoutMillis - waited);
                }
                if (framework.waitForStop(wait).getType() != FrameworkEvent.WAIT_TIMEDOUT) {
                    break;
                }
                print(LogLevel.INFO, name, bsn, "Still stopping the framework, after "
                        + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
        } catch (BundleException | IllegalStateException e) {
            print(LogLevel.WARN, name, bsn, "Could not stop the framework: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        print(LogLevel.INFO, name, bsn, "Framework stopped in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private static void print(LogLevel level, String name, String bsn, String message) {
        var out = System.out;
        out.println(LogLine.line(System.currentTimeMillis(), level, name, bsn, null, message));
        out.flush();
    }
}
