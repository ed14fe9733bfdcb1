package dev.usher.dispatcher;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.usher.dispatcher.monitor.StatusClass;

/**
 * Responses counted by status class. Each class is a {@link LongAdder}: threads that count at
 * once add to cells of their own rather than contend on one word.
 */
final class StatusCounts {

    private final LongAdder[] byClass = new LongAdder[StatusClass.values().length];

    StatusCounts() {
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
    }

    void count(StatusClass statusClass) {
        byClass[statusClass.ordinal()].increment();
    }

    /** Adds {@code perClass[c]} to class {@code c}, by ordinal. */
    void add(long[] perClass) {
        for (int i = 0; i < byClass.length; i++) {
            if (perClass[i] != 0) {
                byClass[i].add(perClass[i]);
            }
        }
    }

    /** Zeroes every class; what a thread adds meanwhile may be lost, which a rolling window accepts. */
    void reset() {
        for (LongAdder adder : byClass) {
            adder.reset();
        }
    }

    /** The counts now, every class present. */
    Map<StatusClass, Long> snapshot() {
        Map<StatusClass, Long> counts = new EnumMap<>(StatusClass.class);
        for (StatusClass statusClass : StatusClass.values()) {
            counts.put(statusClass, byClass[statusClass.ordinal()].sum());
        }
        return counts;
    }

    /** A count of 0 for every class, to add to. */
    static Map<StatusClass, Long> zeros() {
        Map<StatusClass, Long> counts = new EnumMap<>(StatusClass.class);
        for (StatusClass statusClass : StatusClass.values()) {
            counts.put(statusClass, 0L);
        }
        return counts;
    }

    /** Adds the counts of {@code other} to {@code into}. */
    static void addTo(Map<StatusClass, Long> into, Map<StatusClass, Long> other) {
        other.forEach((statusClass, n) -> into.merge(statusClass, n, Long::sum));
    }
}
