package dev.usher.demo;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The demo applications' own timer threads. */
final class DemoThreads {

    private DemoThreads() {
    }

    /** One daemon thread named {@code name}: it never holds the JVM up. */
    static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
