package dev.usher.dispatcher.monitor;

import java.util.List;
import java.util.Map;

/**
 * The requests answered over the last minute (up to the last whole second), or since the server
 * started when that was less than a minute ago.
 *
 * @param seconds the whole seconds covered, 1-60
 * @param perSecond the requests answered in each of those seconds, oldest first
 * @param answered those requests by status class
 */
public record LastMinute(int seconds, List<Long> perSecond, Map<StatusClass, Long> answered) {

    /** Copies made immutable. */
    public LastMinute {
        perSecond = List.copyOf(perSecond);
        answered = Map.copyOf(answered);
    }

    /** The requests answered a second over the window. */
    public double requestsPerSecond() {
        long total = 0;
        for (long n : perSecond) {
            total += n;
        }
        return seconds == 0 ? 0 : (double) total / seconds;
    }
}
