package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.usher.dispatcher.monitor.DurationHistogram;
import dev.usher.dispatcher.monitor.LastMinute;
import dev.usher.dispatcher.monitor.StatusClass;

/** The counters behind a server's status: the last minute's ring, the duration buckets, status classes. */
class MetricsCountsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theLastMinuteHoldsTheWholeSecondsBeforeNowAndForgetsOlderOnes() {
        long start = 1_000 * SECOND;
        LastMinuteCounts counts = new LastMinuteCounts(start);
        counts.count(StatusClass.SUCCESS, start + 10);
        counts.count(StatusClass.SUCCESS, start + SECOND + 5);
        counts.count(StatusClass.SERVER_ERROR, start + SECOND + 7);
        counts.count(StatusClass.SUCCESS, start + 2 * SECOND);

        LastMinute early = counts.snapshot(start + 2 * SECOND + 1);
        assertEquals(2, early.seconds(), "since the start, not a minute yet");
        assertEquals(List.of(1L, 2L), early.perSecond(), "the current second is not whole yet");
        assertEquals(1L, early.answered().get(StatusClass.SERVER_ERROR));
        assertEquals(1.5, early.requestsPerSecond());

        // 61 seconds on: the slot of the first second is taken over for the new one
        counts.count(StatusClass.CLIENT_ERROR, start + 61 * SECOND);
        LastMinute later = counts.snapshot(start + 62 * SECOND);
        assertEquals(60, later.seconds());
        assertEquals(60, later.perSecond().size());
        assertEquals(1L, later.perSecond().get(59), "second 61");
        assertEquals(1L, later.perSecond().get(0), "second 2 is still in; 0 and 1 have gone");
        assertEquals(0L, later.answered().get(StatusClass.SERVER_ERROR));
        assertEquals(1L, later.answered().get(StatusClass.CLIENT_ERROR));
    }

    @Test
    void durationsFallIntoTheFirstBucketWhoseBoundHoldsThem() {
        DurationBuckets buckets = new DurationBuckets();
        buckets.record(50_000L);         // 50 µs
        buckets.record(100_000L);        // exactly 0.1 ms: inclusive
        buckets.record(100_001L);
        buckets.record(3 * SECOND);
        buckets.record(3600 * SECOND);   // beyond every bound
        DurationHistogram histogram = buckets.snapshot();
        assertEquals(5, histogram.count());
        assertEquals(histogram.upperBoundsSeconds().size() + 1, histogram.counts().size());
        assertEquals(0.0001, histogram.upperBoundsSeconds().get(0));
        assertEquals(2L, histogram.counts().get(0));
        assertEquals(1L, histogram.counts().get(1));
        int fiveSeconds = histogram.upperBoundsSeconds().indexOf(5.0);
        assertEquals(1L, histogram.counts().get(fiveSeconds));
        assertEquals(1L, histogram.counts().get(histogram.counts().size() - 1));
        assertEquals(3603.00025, histogram.sumSeconds(), 1e-6);
    }

    @Test
    void countsFromManyThreadsAtOnceAreAllKept() throws Exception {
        ServerMetrics metrics = new ServerMetrics(true, System.nanoTime());
        int threads = 4;
        int each = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    metrics.answered("/", 200, 1000, System.nanoTime());
                    metrics.received(10);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        var traffic = metrics.traffic(System.nanoTime());
        assertEquals((long) threads * each, traffic.requests());
        assertEquals((long) threads * each, traffic.answeredByMount().get("/").get(StatusClass.SUCCESS));
        assertEquals(10L * threads * each, traffic.bytesIn());
        assertEquals((long) threads * each, traffic.durations().count());
    }

    @Test
    void aTaskTallyAddsItsRequestsOnceAtItsEndMountByMount() {
        long now = System.nanoTime();
        ServerMetrics metrics = new ServerMetrics(true, now);
        RequestTally tally = RequestTally.of(metrics);
        tally.answered("/api", 200, 50_000);
        tally.answered("/api", 404, 300_000);
        tally.answered("/", 200, 2_000_000);
        tally.answered("/api", 503, 10);
        assertEquals(0, metrics.traffic(now).requests(), "nothing shared before the task ends");
        tally.flush(now);
        var traffic = metrics.traffic(now);
        assertEquals(4, traffic.requests());
        assertEquals(1L, traffic.answeredByMount().get("/api").get(StatusClass.SUCCESS));
        assertEquals(1L, traffic.answeredByMount().get("/api").get(StatusClass.CLIENT_ERROR));
        assertEquals(1L, traffic.answeredByMount().get("/api").get(StatusClass.SERVER_ERROR));
        assertEquals(1L, traffic.answeredByMount().get("/").get(StatusClass.SUCCESS));
        assertEquals(4, traffic.durations().count());
        assertEquals(2L, traffic.durations().counts().get(0), "50 µs and 10 ns");
        assertEquals(0.00235001, traffic.durations().sumSeconds(), 1e-12);

        tally.flush(now);
        assertEquals(4, metrics.traffic(now).requests(), "a flush with nothing counted adds nothing");
        RequestTally again = RequestTally.of(metrics);
        again.answered("/", 301, 1);
        again.flush(now);
        assertEquals(1L, metrics.traffic(now).answeredByMount().get("/").get(StatusClass.REDIRECTION));
        assertEquals(5, metrics.traffic(now).requests());
    }

    @Test
    void statusClassesAreTheFirstDigit() {
        assertEquals(StatusClass.INFORMATIONAL, StatusClass.of(101));
        assertEquals(StatusClass.SUCCESS, StatusClass.of(204));
        assertEquals(StatusClass.CLIENT_ERROR, StatusClass.of(499));
        assertEquals(StatusClass.SERVER_ERROR, StatusClass.of(599));
        assertEquals("3xx", StatusClass.of(304).label());
        assertThrows(IllegalArgumentException.class, () -> StatusClass.of(600));
        assertThrows(IllegalArgumentException.class, () -> StatusClass.of(99));
    }
}
