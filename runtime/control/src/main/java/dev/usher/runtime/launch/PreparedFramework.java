package dev.usher.runtime.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * The framework built -- created, initialised, its bundles installed and resolved, not started --
 * on a thread of its own while the main thread reads and checks the settings, so that the two,
 * each a few tenths of a second of a cold start, overlap. Nothing of it is visible outside the
 * process until {@link Framework#start()}: if the settings turn out bad, the process exits before
 * any bundle started, as it did before it built anything.
 */
final class PreparedFramework {

    /** What the preparation made. */
    record Prepared(Framework framework, LaunchProperties launch, Path storage) {
    }

    private final FutureTask<Prepared> task;

    private PreparedFramework(FutureTask<Prepared> task) {
        this.task = task;
    }

    /**
     * Starts building the framework from {@code jar}'s {@value LaunchProperties#RESOURCE}. The
     * options must be system properties by now: they override that file's properties.
     */
    static PreparedFramework start(ClassLoader jar) {
        PreparedFramework prepared = new PreparedFramework(new FutureTask<>(() -> prepare(jar)));
        Thread thread = new Thread(prepared.task, "usher-framework");
        thread.setDaemon(true);
        thread.start();
        return prepared;
    }

    private static Prepared prepare(ClassLoader jar) throws BundleException, IOException {
        LaunchProperties launch = LaunchProperties.load(jar);
        if (launch == null) {
            throw new BundleException("no " + LaunchProperties.RESOURCE + " in the class path: run the exported usher.jar");
        }
        Path storage = FrameworkStorage.create();
        Framework framework;
        try {
            framework = FrameworkLauncher.create(launch, storage, jar);
        } catch (BundleException | RuntimeException e) {
            FrameworkStorage.delete(storage);
            throw e;
        }
        FrameworkStorage.deleteAtExit(storage, framework);
        FrameworkLauncher.install(framework, launch, jar);
        return new Prepared(framework, launch, storage);
    }

    /** Waits for the framework; throws what the preparation threw. */
    Prepared await() throws BundleException, IOException, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BundleException bundle) {
                throw bundle;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * The process will not start it: waits for the preparation to end, so that the exit's hook
     * ({@link FrameworkStorage#deleteAtExit}) finds the framework whole to stop and its storage to
     * delete.
     */
    void discard() {
        try {
            task.get();
        } catch (ExecutionException e) {
            // the preparation failed: there is nothing to start anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
