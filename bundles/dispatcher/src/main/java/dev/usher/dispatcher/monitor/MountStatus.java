package dev.usher.dispatcher.monitor;

import java.util.Map;

/**
 * One mounted application, on one server.
 *
 * @param prefix its mount prefix; {@code /} for the catch-all
 * @param application its component's name, else its class
 * @param serviceId its service's id
 * @param nonblocking whether it runs on the I/O loop ({@code @Nonblocking})
 * @param streaming whether it reads bodies as they arrive ({@code @Streaming})
 * @param answered the responses it gave on this server by status class, since the server started
 */
public record MountStatus(String prefix, String application, long serviceId, boolean nonblocking, boolean streaming,
        Map<StatusClass, Long> answered) {

    /** A copy with the map made immutable. */
    public MountStatus {
        answered = Map.copyOf(answered);
    }
}
