/**
 * A window into the running servers: the {@link dev.usher.dispatcher.monitor.ServerMonitor}
 * service the dispatcher registers answers with immutable snapshots (records) of each server's
 * listeners, loops, pool, connections by phase, mounts and counts. The status page, the
 * Prometheus metrics and the {@code usher:*} shell commands read them; so may any bundle.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.usher.dispatcher.monitor;
