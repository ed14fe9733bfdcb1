package dev.usher.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One kind of abusive client: what it does on one fresh connection, and which outcomes are what
 * the server should do about it. The soak runs each kind in a loop, pausing {@code pause} between
 * connections.
 *
 * @param name short name, for the report
 * @param expected whether an outcome is what the server should do
 * @param expectation the expected outcome in words, for the report
 * @param pause between one connection and the next
 * @param attack what it does
 */
public record AbuseKind(String name, Predicate<String> expected, String expectation, Duration pause, Attack attack) {

    /** One abusive connection, start to end; returns its outcome in a word or two ({@code 408+closed}). */
    @FunctionalInterface
    public interface Attack {
        String once(Target target, Lifetime lifetime) throws IOException;
    }
}
