package dev.usher.dispatcher.monitor;

/**
 * One I/O loop.
 *
 * @param name its thread's name
 * @param connections the connections registered with it; -1 when the loop did not answer in time
 * @param retiring whether it hands its connections over and takes no new ones ({@code workers} lowered)
 */
public record LoopStatus(String name, int connections, boolean retiring) {
}
