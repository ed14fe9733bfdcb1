package dev.usher.itests;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples this JVM's used heap ({@link MemoryMXBean#getHeapMemoryUsage()}) from a side thread
 * every few milliseconds while a test runs, and keeps the peak. The pax-exam native container
 * runs in the test's JVM, so this is the server's heap too. The baseline is taken right after a
 * full collection.
 */
final class HeapSampler implements AutoCloseable {

    private static final long MB = 1024 * 1024;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService sampler;
    private final long baseline;
    private final long collectionsBefore;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();

    private HeapSampler() {
        System.gc();
        this.baseline = used();
        this.collectionsBefore = collections();
        this.peak.set(baseline);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heap-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, 2, TimeUnit.MILLISECONDS);
    }

    /** Collects garbage, takes the baseline and starts sampling. */
    static HeapSampler start() {
        return new HeapSampler();
    }

    private void sample() {
        samples.incrementAndGet();
        peak.accumulateAndGet(used(), Math::max);
    }

    private long used() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .filter(n -> n >= 0)
                .sum();
    }

    /** The used heap after the full collection at the start. */
    long baseline() {
        return baseline;
    }

    /** The highest used heap sampled so far. */
    long peak() {
        sample();
        return peak.get();
    }

    /** How far the peak rose above the baseline. */
    long peakAboveBaseline() {
        return peak() - baseline;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    @Override
    public String toString() {
        return String.format("heap: baseline %d MB, peak %d MB (+%d MB), max %d MB, %d samples, %d collections",
                baseline / MB, peak() / MB, peakAboveBaseline() / MB, memory.getHeapMemoryUsage().getMax() / MB,
                samples.get(), collections() - collectionsBefore);
    }
}
