package dev.usher.dispatcher;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What counting costs a request, as {@code Task.logAccess} does it with {@code metrics=true}
 * and no access log: a {@link System#nanoTime} for the duration, the count in the thread's
 * {@link RequestTally}, and the task's flush into the server's striped counters, shared by two
 * threads (two I/O loops) as on this 2-core machine. Scores are per request: a task of one
 * request ({@link #taskOfOneRequest}) and a pipelined batch of 16 ({@link #taskOfSixteen});
 * {@link #nanoTimeOnly} is the clock read alone. In the dispatcher's package, whose counting
 * classes are package-private; the bench's class path is not OSGi, so the split package is
 * harmless.
 *
 * Run: {@code java -jar bench/target/benchmarks.jar CountingBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class CountingBenchmark {

    private final ServerMetrics metrics = new ServerMetrics(true, System.nanoTime());

    @Benchmark
    public long nanoTimeOnly() {
        return System.nanoTime();
    }

    @Benchmark
    public void taskOfOneRequest() {
        RequestTally tally = RequestTally.of(metrics);
        long started = System.nanoTime() - 20_000;
        long now = System.nanoTime();
        tally.answered("/", 200, now - started);
        tally.flush(now);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public void taskOfSixteen() {
        RequestTally tally = RequestTally.of(metrics);
        long started = System.nanoTime() - 20_000;
        long now = started;
        for (int i = 0; i < 16; i++) {
            now = System.nanoTime();
            tally.answered("/", 200, now - started);
        }
        tally.flush(now);
    }
}
