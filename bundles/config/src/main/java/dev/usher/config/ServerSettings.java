package dev.usher.config;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One server's settings as a service: the config bundle registers one per configuration
 * (PID {@code dev.usher.server}, and each factory configuration of it) and updates it in place
 * when the configuration changes, which modifies the service's properties, so a tracker's
 * {@code updated} callback learns of every change.
 */
@ProviderType
public interface ServerSettings {

    /** The PID of the default server's configuration, and the factory PID of named servers. */
    String PID = "dev.usher.server";

    /** The service property holding the server's name. */
    String NAME_PROPERTY = "usher.server.name";

    /** The name of the server configured by PID {@code dev.usher.server}. */
    String DEFAULT_NAME = "default";

    /** The server's name: {@value #DEFAULT_NAME}, or the factory configuration's name. */
    String name();

    /** The settings in force: always a complete, valid value. */
    Adjustments adjustments();

    /**
     * How many configurations of this server were refused (a bad value, a broken relation) while
     * it kept the settings in force; for its status.
     */
    default long refusedChanges() {
        return 0;
    }

    /** Why the last refused configuration was refused, naming the property; null when none was. */
    default String lastRefusal() {
        return null;
    }
}
