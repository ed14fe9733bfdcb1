package dev.usher.dispatcher;

import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * Tells the operator that a server sheds connections at one of its limits: at the first shed,
 * then at most once a minute with how many were shed since, so an attack leaves a trace in the
 * log without flooding it.
 */
final class ShedLog {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String server;
    private final String setting;
    private final Logger logger;
    private final String firstMessage;
    private long unreported;
    private long lastReportNanos;
    private boolean reported;

    /**
     * @param setting the limit's name
     * @param firstMessage what the first report says happens from now on
     */
    ShedLog(String server, String setting, Logger logger, String firstMessage) {
        this.server = server;
        this.setting = setting;
        this.logger = logger;
        this.firstMessage = firstMessage;
    }

    /** One connection was shed at {@code limit}. */
    synchronized void shed(int limit) {
        unreported++;
        long now = System.nanoTime();
        if (reported && now - lastReportNanos < INTERVAL_NANOS) {
            return;
        }
        if (reported) {
            logger.warn("Server {}: at {}={}: {} connections shed in the last {} s", server, setting, limit,
                    unreported, TimeUnit.NANOSECONDS.toSeconds(now - lastReportNanos));
        } else {
            logger.warn("Server {}: at {}={}: {}", server, setting, limit, firstMessage);
        }
        unreported = 0;
        lastReportNanos = now;
        reported = true;
    }
}
