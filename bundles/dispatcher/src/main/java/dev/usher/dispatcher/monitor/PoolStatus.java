package dev.usher.dispatcher.monitor;

/**
 * A server's blocking application calls ({@code threads}, {@code worker_class}).
 *
 * @param workerClass {@code sync} or {@code virtual}
 * @param threads the calls that may run at once ({@code threads}); for {@code virtual}, unbounded
 *     and reported as the calls running
 * @param busy calls running now, on application threads or on an I/O loop's thread
 * @param idle calls that could start now without waiting: {@code threads - busy} for {@code sync}
 * @param queued calls waiting for a thread
 */
public record PoolStatus(String workerClass, int threads, int busy, int idle, int queued) {
}
