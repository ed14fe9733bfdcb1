package dev.usher.dispatcher;

import java.nio.channels.SelectionKey;

/** Something registered with an {@link IoLoop}'s selector: a listener or a connection. */
interface Selectable {

    /** Handles the ready operations of {@code key}, on the loop's thread. */
    void ready(SelectionKey key);

    /** Closes it, on the loop's thread, as the loop stops. */
    void close();
}
