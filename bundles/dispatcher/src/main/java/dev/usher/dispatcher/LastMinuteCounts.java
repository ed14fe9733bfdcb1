package dev.usher.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.usher.dispatcher.monitor.LastMinute;
import dev.usher.dispatcher.monitor.StatusClass;

/**
 * Responses of the last minute, a slot a second in a ring of 61: the 60 whole seconds before the
 * current one, and the current one filling. A slot is taken over for a new second by the first
 * thread that counts in it, under the slot's lock, which only the counts at a second's turn ever
 * meet; the others read a volatile second and add to a striped counter. A count that races the
 * takeover may fall into the wrong second: the figures are for people, not billing.
 */
final class LastMinuteCounts {

    /** The whole seconds a snapshot covers at most. */
    static final int SECONDS = 60;
    private static final int SLOTS = SECONDS + 1;

    private static final class Slot {
        /** The second it counts, from the clock of {@link #second}; -1 never used. */
        volatile long second = -1;
        final StatusCounts counts = new StatusCounts();
    }

    private final Slot[] slots = new Slot[SLOTS];
    private final long startSecond;

    LastMinuteCounts(long nowNanos) {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
        this.startSecond = second(nowNanos);
    }

    static long second(long nanos) {
        return Math.floorDiv(nanos, 1_000_000_000L);
    }

    void count(StatusClass statusClass, long nowNanos) {
        slot(nowNanos).counts.count(statusClass);
    }

    /** Adds {@code perClass[c]} responses of class {@code c} (by ordinal), answered by {@code nowNanos}. */
    void add(long[] perClass, long nowNanos) {
        slot(nowNanos).counts.add(perClass);
    }

    private Slot slot(long nowNanos) {
        long second = second(nowNanos);
        Slot slot = slots[(int) Math.floorMod(second, SLOTS)];
        long seen = slot.second;
        if (seen != second) {
            synchronized (slot) {
                // one thread a second gets here per slot; the others find the new second
                if (slot.second != second) {
                    slot.counts.reset();
                    slot.second = second;
                }
            }
        }
        return slot;
    }

    /** The whole seconds before the one {@code nowNanos} falls in, back to a minute or the start. */
    LastMinute snapshot(long nowNanos) {
        long current = second(nowNanos);
        int seconds = (int) Math.max(1, Math.min(SECONDS, current - startSecond));
        List<Long> perSecond = new ArrayList<>(seconds);
        Map<StatusClass, Long> answered = StatusCounts.zeros();
        for (long s = current - seconds; s < current; s++) {
            Slot slot = slots[(int) Math.floorMod(s, SLOTS)];
            if (slot.second == s) {
                Map<StatusClass, Long> counts = slot.counts.snapshot();
                StatusCounts.addTo(answered, counts);
                perSecond.add(counts.values().stream().mapToLong(Long::longValue).sum());
            } else {
                perSecond.add(0L);
            }
        }
        return new LastMinute(seconds, perSecond, answered);
    }
}
