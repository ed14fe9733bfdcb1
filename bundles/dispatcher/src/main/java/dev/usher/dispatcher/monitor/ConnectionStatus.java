package dev.usher.dispatcher.monitor;

import java.time.Duration;

/**
 * One open connection.
 *
 * @param server the server's name
 * @param remote the client's address and port, as the PROXY protocol header gave them if any
 * @param transport {@code plain} or {@code tls}, with {@code +proxy} when a PROXY header came first
 * @param phase what it is doing
 * @param age how long it has been open
 * @param idle how long since the client last sent a byte
 * @param loop the I/O loop it belongs to
 */
public record ConnectionStatus(String server, String remote, String transport, ConnectionPhase phase, Duration age,
        Duration idle, String loop) {
}
