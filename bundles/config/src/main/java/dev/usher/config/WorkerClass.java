package dev.usher.config;

import java.util.Locale;

/**
 * How a server runs its blocking applications ({@code worker_class}, gunicorn's
 * {@code -k/--worker-class}).
 */
public enum WorkerClass {

    /**
     * On the {@code threads} application threads (or, while its calls are quick, on an I/O
     * loop's thread): at most {@code threads} calls at once. gunicorn's {@code sync}.
     */
    SYNC("sync"),

    /**
     * One virtual thread per request (Java 21 or later): a call that waits holds no platform
     * thread, so thousands can wait at once (long polls, streams); {@code connection_limit}
     * bounds them, not {@code threads}. What gunicorn's {@code gevent} worker is for.
     */
    VIRTUAL("virtual");

    /** The Java feature release that has virtual threads. */
    public static final int VIRTUAL_THREADS_SINCE = 21;

    private final String setting;

    WorkerClass(String setting) {
        this.setting = setting;
    }

    /** The setting's value that names it: {@code sync} or {@code virtual}. */
    public String setting() {
        return setting;
    }

    /**
     * The worker class {@code value} names (any case).
     *
     * @throws IllegalArgumentException naming the values there are
     */
    public static WorkerClass of(String value) {
        String name = value.trim().toLowerCase(Locale.ROOT);
        for (WorkerClass workerClass : values()) {
            if (workerClass.setting.equals(name)) {
                return workerClass;
            }
        }
        throw new IllegalArgumentException("is neither sync nor virtual");
    }

    /**
     * This worker class, if this JVM can run it.
     *
     * @throws IllegalArgumentException saying which Java it needs and which this is
     */
    public WorkerClass requireAvailable() {
        if (this == VIRTUAL && Runtime.version().feature() < VIRTUAL_THREADS_SINCE) {
            throw new IllegalArgumentException(setting + " needs Java " + VIRTUAL_THREADS_SINCE
                    + " or later; this JVM is Java " + Runtime.version().feature());
        }
        return this;
    }
}
