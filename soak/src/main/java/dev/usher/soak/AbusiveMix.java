package dev.usher.soak;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@code perKind} looping clients of every {@link AbuseKind} at once, each reconnecting after
 * every attempt, and tallies what the server did about them. An outcome is a word or two
 * ({@code 408+closed}, {@code reset}), or the exception that ended the attempt. Outcomes of
 * attempts cut short by {@link #close()} are not counted.
 */
public final class AbusiveMix implements AutoCloseable {

    private final Lifetime lifetime = new Lifetime();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AbuseKind> kinds;
    /** kind name, outcome: count. */
    private final Map<String, Map<String, Long>> tally = new LinkedHashMap<>();
    /** kind name: attempts under way (the long holds of a short soak are still under way at its end). */
    private final Map<String, Integer> underWay = new LinkedHashMap<>();

    public AbusiveMix(Target target, List<AbuseKind> kinds, int perKind) {
        this.kinds = kinds;
        for (AbuseKind kind : kinds) {
            tally.put(kind.name(), new TreeMap<>());
            underWay.put(kind.name(), 0);
            for (int i = 0; i < perKind; i++) {
                threads.add(new Thread(() -> loop(target, kind), "abuse-" + kind.name() + "-" + i));
            }
        }
    }

    public AbusiveMix start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(Target target, AbuseKind kind) {
        do {
            started(kind, 1);
            String outcome;
            try {
                outcome = kind.attack().once(target, lifetime);
            } catch (IOException | RuntimeException e) {
                outcome = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            started(kind, -1);
            if (lifetime.running()) {
                record(kind, outcome);
            }
        } while (lifetime.pause(kind.pause()));
    }

    private synchronized void started(AbuseKind kind, int delta) {
        if (lifetime.running()) {
            underWay.merge(kind.name(), delta, Integer::sum);
        }
    }

    private synchronized void record(AbuseKind kind, String outcome) {
        tally.get(kind.name()).merge(outcome, 1L, Long::sum);
    }

    /** One line per kind: attempts, outcomes with counts, and whether each was expected. */
    public synchronized String report() {
        StringBuilder report = new StringBuilder();
        report.append(String.format("%-22s %8s %9s %10s  %s%n", "abusive kind", "attempts", "under-way",
                "unexpected", "outcomes (expected: ...)"));
        for (AbuseKind kind : kinds) {
            Map<String, Long> outcomes = tally.get(kind.name());
            long attempts = outcomes.values().stream().mapToLong(Long::longValue).sum();
            long odd = outcomes.entrySet().stream().filter(e -> !kind.expected().test(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            report.append(String.format("%-22s %8d %9d %10d  %s (expected: %s)%n", kind.name(), attempts,
                    underWay.get(kind.name()), odd, outcomes, kind.expectation()));
        }
        return report.toString();
    }

    /** How many outcomes were not the expected ones, over all kinds. */
    public synchronized long unexpectedCount() {
        long odd = 0;
        for (AbuseKind kind : kinds) {
            odd += tally.get(kind.name()).entrySet().stream().filter(e -> !kind.expected().test(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
        }
        return odd;
    }

    /** Stops every client, closing its connection, and waits for the threads. */
    @Override
    public void close() throws InterruptedException {
        lifetime.stop();
        for (Thread thread : threads) {
            thread.join(15_000);
        }
    }
}
