package dev.usher.runtime.console;

import java.io.PrintStream;

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
 * Stops the framework when the JVM is asked to exit (Ctrl-C, SIGTERM, {@code System.exit}),
 * and waits for it to stop, so that every bundle stops in order and every component is
 * deactivated: servers close their listeners and finish what they are doing.
 *
 * <p>The bnd launcher that runs the executable jar registers no such hook (its only hook
 * deletes the temporary framework storage). When the framework has stopped, the hook says so
 * on the console: the Log Service is gone by then.
 */
@Component(service = {})
public final class StopOnExit {

    /** How long the hook waits for the framework to stop before letting the JVM go. */
    static final long STOP_TIMEOUT_MILLIS = 30_000;

    private final Thread hook;

    @Activate
    public StopOnExit(BundleContext context) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        String bsn = context.getBundle().getSymbolicName();
        PrintStream out = System.out;
        this.hook = new Thread(() -> stop(system, bsn, out), "usher-stop-on-exit");
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

    private static void stop(Bundle system, String bsn, PrintStream out) {
        long start = System.nanoTime();
        try {
            system.stop();
            if (!(system instanceof Framework framework)) {
                return; // nothing to wait on
            }
            if (framework.waitForStop(STOP_TIMEOUT_MILLIS).getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                out.println(LogLine.line(System.currentTimeMillis(), LogLevel.WARN, bsn, null,
                        "The framework did not stop within " + STOP_TIMEOUT_MILLIS + " ms"));
                return;
            }
        } catch (BundleException | IllegalStateException e) {
            out.println(LogLine.line(System.currentTimeMillis(), LogLevel.WARN, bsn, null,
                    "Could not stop the framework: " + e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        out.println(LogLine.line(System.currentTimeMillis(), LogLevel.INFO, bsn, null,
                "Framework stopped in " + (System.nanoTime() - start) / 1_000_000 + " ms"));
        out.flush();
    }
}
