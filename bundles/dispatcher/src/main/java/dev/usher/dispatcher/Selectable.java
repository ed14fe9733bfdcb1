package dev.usher.dispatcher;

import java.nio.channels.SelectionKey;

/** Something registered with an {@link IoLoop}'s selector: a listener or a connection. */
interface Selectable {

    /** Handles the ready operations of {@code key}, on the loop's thread. */
    void ready(SelectionKey key);

    /** Closes it, on the loop's thread, as the loop stops. */
    void close();

    /**
     * Lets go of it as the loop dies of a throwable: a connection closes; a listener only
     * leaves the loop, so the replacement loop accepts on the same socket.
     */
    default void abandon() {
        close();
    }
}
