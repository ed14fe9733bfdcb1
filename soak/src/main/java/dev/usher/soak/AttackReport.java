package dev.usher.soak;

import java.time.Duration;

/**
 * What the slow-client attack measured: the normal user's requests while the hostile connections
 * were in play, and what the server did to the hostile ones.
 *
 * @param hostileAtStart the swarm when the probe started
 * @param hostileAtEnd the swarm when the probe ended
 */
public record AttackReport(Target target, int connections, HostileSwarm.Stats hostileAtStart,
        HostileSwarm.Stats hostileAtEnd, CurlProbe.Result probe, Duration timeout) {

    /** The fraction of the planned normal requests answered within the timeout. */
    public double answeredFraction() {
        return probe.planned() == 0 ? 0 : (double) probe.answered() / probe.planned();
    }

    @Override
    public String toString() {
        LatencyHistogram l = probe.latencies();
        StringBuilder r = new StringBuilder();
        r.append(String.format("Slow-client attack on %s: %d hostile connections%n", target, connections));
        r.append("  hostile at the start: ").append(hostileAtStart).append('\n');
        r.append("  hostile at the end:   ").append(hostileAtEnd).append('\n');
        r.append(String.format("  normal requests (new connection each, %d s timeout): %d answered of %d (%.1f %%), "
                + "%d attempted in %d s%n", timeout.toSeconds(), probe.answered(), probe.planned(),
                100 * answeredFraction(), probe.attempted(), probe.took().toSeconds()));
        r.append("  failures: ").append(probe.failures()).append('\n');
        probe.firstFailures().forEach(f -> r.append("    ").append(f).append('\n'));
        r.append(String.format("  latency of the attempted requests (a failure counts the time it took): "
                + "p50 %s ms, p90 %s ms, p99 %s ms, max %s ms%n", LatencyHistogram.millis(l.percentile(0.50)),
                LatencyHistogram.millis(l.percentile(0.90)), LatencyHistogram.millis(l.percentile(0.99)),
                LatencyHistogram.millis(l.max())));
        return r.toString();
    }
}
