package dev.usher.config;

/**
 * The framework properties Usher's bundles read, named once here for the runtime that sets them
 * and the bundles that read them.
 */
public final class FrameworkProperties {

    /**
     * {@code false} stops the default server (PID {@value ServerSettings#PID}) from running on
     * defaults while Config Admin holds no configuration for it.
     */
    public static final String DEFAULT_SERVER = "usher.server.default";

    /** The process name ({@code -n}): the prefix of every thread's name and in every log line. */
    public static final String PROCESS_NAME = "usher.name";

    /** The umask ({@code -m}), octal: the bits cleared from the files Usher creates. */
    public static final String UMASK = "usher.umask";

    private FrameworkProperties() {
    }
}
