package dev.usher.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The calls of a servlet or filter: taking it out of service waits for those in progress, and
 * refuses the calls of requests that read the routing before it changed.
 */
class CallsTest {

    @Test
    void awaitIdleWaitsForTheCallInProgressAndThenRefusesNewOnes() throws Exception {
        Calls calls = new Calls();
        assertTrue(calls.enter());
        CountDownLatch idle = new CountDownLatch(1);
        Thread destroying = new Thread(() -> {
            calls.awaitIdle(10_000);
            idle.countDown();
        });
        destroying.start();
        try {
            assertFalse(idle.await(100, TimeUnit.MILLISECONDS), "awaitIdle returned while a call was in progress");
            calls.leave();
            assertTrue(idle.await(10, TimeUnit.SECONDS), "awaitIdle did not return once the call left");
        } finally {
            destroying.join(10_000);
        }
        assertFalse(calls.enter(), "a call entering once awaitIdle began must be refused");
    }

    @Test
    void awaitIdleReturnsAtOnceWithoutCallsAndGivesUpAfterItsTime() {
        Calls none = new Calls();
        none.awaitIdle(10_000);
        assertFalse(none.enter());

        // a call that never returns: destroy goes ahead after the wait, as the specification allows
        Calls stuck = new Calls();
        assertTrue(stuck.enter());
        stuck.awaitIdle(50);
        assertFalse(stuck.enter());
    }
}
