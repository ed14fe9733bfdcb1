package dev.usher.dispatcher;

import java.util.Set;

import dev.usher.api.HttpApplication;

/**
 * One application at one prefix.
 *
 * @param prefix the mount prefix without a trailing slash: {@code ""} for the catch-all
 * @param application the application
 * @param ranking its {@code service.ranking}
 * @param serviceId its {@code service.id}
 * @param servers the servers it is mounted on; empty for every server
 * @param nonblocking whether it runs on the I/O loop rather than an application thread
 * @param streaming whether it is called at the head and reads the body as it arrives
 */
record MountPoint(String prefix, HttpApplication application, int ranking, long serviceId, Set<String> servers,
        boolean nonblocking, boolean streaming) {

    /** How a prefix is shown and counted: as mounted, with {@code /} for the catch-all. */
    static String label(String prefix) {
        return prefix.isEmpty() ? "/" : prefix;
    }

    /** Whether this mount serves on the server named {@code server}. */
    boolean servesOn(String server) {
        return servers.isEmpty() || servers.contains(server);
    }

    /** Whether this mount wins over {@code other} at the same prefix. */
    boolean outranks(MountPoint other) {
        return ranking != other.ranking ? ranking > other.ranking : serviceId < other.serviceId;
    }
}
