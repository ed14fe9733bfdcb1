/**
 * The running server: listeners, I/O loops, connections, the application thread pool and the
 * whiteboard of applications. Nothing here is exported; {@code dev.usher.dispatcher.monitor} is.
 */
package dev.usher.dispatcher;
