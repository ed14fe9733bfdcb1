package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;

/**
 * Which blocking calls an I/O loop runs on its own thread: quick applications' calls, while a
 * slow or released application goes to the application threads for a pause that starts short
 * (a quick application mistaken for a slow one on a busy machine comes back soon) and doubles
 * while it stays slow. The clock is the test's, so no test waits.
 */
class CallPacingTest {

    private static final long MICROS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);

    private final CallPacing pacing = new CallPacing();
    private final HttpApplication quickApp = (request, response) -> { };
    private final HttpApplication slowApp = (request, response) -> { };

    /** One call to {@code application}. */
    private static CallPacing.Calls one(HttpApplication application) {
        return new CallPacing.Calls() {
            @Override
            public int size() {
                return 1;
            }

            @Override
            public HttpApplication application(int i) {
                return application;
            }
        };
    }

    @Test
    void quickCallsStayOnTheLoop() {
        long now = 0;
        for (int i = 0; i < 1000; i++) {
            assertTrue(pacing.quick(one(quickApp), now));
            pacing.ran(one(quickApp), 3 * MICROS, now += MICROS);
        }
    }

    @Test
    void callsThatGrowSlowGoToThePoolAndOthersDoNot() {
        long now = 0;
        int onLoop = 0;
        for (int i = 0; i < 100 && pacing.quick(one(slowApp), now); i++) {
            pacing.ran(one(slowApp), 400 * MICROS, now += MICROS);
            onLoop++;
        }
        // one outlier does not tip the average, a few in a row do
        assertTrue(onLoop > 1 && onLoop < 20, "slow calls run on the loop: " + onLoop);
        assertFalse(pacing.quick(one(slowApp), now));
        assertTrue(pacing.quick(one(quickApp), now), "another application is not slow for it");
        // a batch with one slow application's call goes to the pool whole
        assertFalse(pacing.quick(new Two(quickApp, slowApp), now));
    }

    @Test
    void aReleasedCallsApplicationPausesShortlyAndComesBackWhenQuick() {
        long now = 0;
        pacing.ran(one(quickApp), 2 * MICROS, now);
        pacing.released(one(quickApp), now);
        assertFalse(pacing.quick(one(quickApp), now + CallPacing.FIRST_PAUSE_MILLIS * MILLIS - 1));
        now += CallPacing.FIRST_PAUSE_MILLIS * MILLIS;
        assertTrue(pacing.quick(one(quickApp), now), "told again after the first pause");
        // quick again: a few calls bring the next pause back to the first
        for (int i = 0; i < 20; i++) {
            pacing.ran(one(quickApp), 2 * MICROS, now += MICROS);
        }
        pacing.released(one(quickApp), now);
        assertTrue(pacing.quick(one(quickApp), now + CallPacing.FIRST_PAUSE_MILLIS * MILLIS));
    }

    @Test
    void anApplicationThatStaysSlowPausesLongerEachTimeUpToTheLongest() {
        long now = 0;
        long pause = CallPacing.FIRST_PAUSE_MILLIS * MILLIS;
        for (int round = 0; round < 12; round++) {
            pacing.released(one(slowApp), now);
            assertFalse(pacing.quick(one(slowApp), now + pause - 1), "round " + round);
            now += pause;
            assertTrue(pacing.quick(one(slowApp), now), "round " + round);
            // the one call that tells again is released too
            pause = Math.min(2 * pause, CallPacing.LONGEST_PAUSE_MILLIS * MILLIS);
        }
        assertEquals(CallPacing.LONGEST_PAUSE_MILLIS * MILLIS, pacing.pauseNanosForTest(slowApp));
    }

    @Test
    void requestsTheServerAnswersItselfNeverMakeABatchSlow() {
        for (int i = 0; i < 100; i++) {
            pacing.ran(one(null), 10 * MILLIS, i);
        }
        assertTrue(pacing.quick(one(null), 100));
        assertTrue(pacing.quick(new Two(null, quickApp), 100));
    }

    private record Two(HttpApplication first, HttpApplication second) implements CallPacing.Calls {
        @Override
        public int size() {
            return 2;
        }

        @Override
        public HttpApplication application(int i) {
            return i == 0 ? first : second;
        }
    }
}
