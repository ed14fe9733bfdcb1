package dev.usher.dispatcher.monitor;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The running servers as snapshots, taken when asked: a service of the dispatcher bundle. Counts
 * are kept as requests are answered without a lock any request waits on; a snapshot asks each I/O
 * loop for its connections on the loop's own thread, so it costs a wakeup of every loop and should
 * be taken on demand (a page view, a scrape), not in a tight loop.
 */
@ProviderType
public interface ServerMonitor {

    /** Every running server, by name. */
    List<ServerStatus> servers();

    /** Every open connection of every running server. */
    List<ConnectionStatus> connections();

    /** The running servers' names, in order: what {@link #servers} would list, without asking any loop. */
    List<String> serverNames();
}
