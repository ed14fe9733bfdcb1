package dev.usher.dispatcher.monitor;

import java.util.Map;

/**
 * What a server answered since it started, as far as it counted: while its {@code metrics} setting
 * is false nothing is added, and what was counted before stays.
 *
 * @param answered every response by status class: mounted applications', the server's own
 *     (404 when nothing is mounted, refusals) and 499 for clients that left
 * @param answeredByMount the same by mount prefix ({@code /} for the catch-all), with
 *     {@value #NO_MOUNT} for the server's own; a mount that answered stays after it is gone
 * @param bytesIn bytes of HTTP received (after TLS)
 * @param bytesOut bytes of HTTP sent (before TLS)
 * @param durations the requests' durations
 * @param lastMinute the requests of the last minute
 * @param refusals the requests refused before any application saw them, by status (400, 413,
 *     431, ...)
 * @param spilledRequests request bodies that went to a temporary file ({@code inbuf_overflow})
 * @param spilledResponses responses that went to a temporary file ({@code outbuf_overflow})
 */
public record Traffic(Map<StatusClass, Long> answered, Map<String, Map<StatusClass, Long>> answeredByMount, long bytesIn, long bytesOut, DurationHistogram durations,
        LastMinute lastMinute, Map<Integer, Long> refusals, long spilledRequests, long spilledResponses) {

    /** The mount of responses no application gave: nothing was mounted there, or the server refused the request. */
    public static final String NO_MOUNT = "-";

    /** Copies made immutable. */
    public Traffic {
        answered = Map.copyOf(answered);
        answeredByMount = Map.copyOf(answeredByMount);
        refusals = Map.copyOf(refusals);
    }

    /** Every response counted. */
    public long requests() {
        return answered.values().stream().mapToLong(Long::longValue).sum();
    }
}
