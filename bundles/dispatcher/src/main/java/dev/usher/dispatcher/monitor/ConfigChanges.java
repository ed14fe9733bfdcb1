package dev.usher.dispatcher.monitor;

/**
 * A server's configuration changes since it started.
 *
 * @param applied changes applied to the running server
 * @param refused changes refused: a bad value or relation (the configuration bundle keeps the
 *     settings in force), or an address that could not be bound
 * @param lastRefusal why the last refused change was refused; null when none was
 */
public record ConfigChanges(long applied, long refused, String lastRefusal) {
}
