package dev.usher.runtime.launch;

/**
 * The running Usher process in JMX, as {@code dev.usher:type=Process,name=NAME} ({@code -n}, or
 * {@code usher}): which process it is, so a JMX console can tell several apart.
 */
public interface UsherProcessMBean {

    /** The process name ({@code -n}). */
    String getName();

    /** The process id. */
    long getPid();

    /** Usher's version. */
    String getVersion();

    /** The directory holding {@code etc/} and {@code deploy/}. */
    String getSettingsPath();

    /** The settings file ({@code -c}), or empty. */
    String getConfigFile();
}
