/**
 * The running server: listeners, I/O loops, connections, the application thread pool and the
 * whiteboard of applications. Nothing here is exported.
 */
package dev.usher.dispatcher;
