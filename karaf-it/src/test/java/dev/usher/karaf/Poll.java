package dev.usher.karaf;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting for a condition: looked at again and again until it holds, failing at a deadline. */
final class Poll {

    private Poll() {
    }

    /** A look at the condition: a result when it holds, null (or false) when not yet. */
    @FunctionalInterface
    interface Look<T> {
        T get() throws Exception;
    }

    /** A look that holds when it answers true. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    static void until(String what, Duration within, Check check) throws Exception {
        value(what, within, () -> check.holds() ? Boolean.TRUE : null);
    }

    /**
     * Looks until {@code look} answers non-null and returns that, failing with {@code what} when
     * {@code within} has passed. The pause between looks only paces them (a look may be a new
     * shell client, a JVM of its own); the deadline, not the pause, decides.
     */
    static <T> T value(String what, Duration within, Look<T> look) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T result = look.get();
            if (result != null) {
                return result;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("no " + what + " within " + within);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
