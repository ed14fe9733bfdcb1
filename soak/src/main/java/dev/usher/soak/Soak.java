package dev.usher.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak (issue 9, section 5): the real runtime on default settings as a child process, normal
 * clients, the abusive mix and live settings changes all at once for {@code duration}; a sample of
 * the server's resources and the normal clients' figures every {@code sample}; then the attackers
 * stop, a last sample, and SIGTERM.
 *
 * <pre>java -cp soak/target/classes dev.usher.soak.Soak duration=PT1H sample=PT1M</pre>
 *
 * Options ({@code key=value} or {@code -Dsoak.key=value}): {@code duration} (PT3M),
 * {@code sample} (PT1M), {@code settingsEvery} (PT10S), {@code clients} (keep-alive normal clients,
 * 4), {@code pace} (each normal client's time per request, PT0.02S), {@code abusers} (clients of
 * each abusive kind, 2), {@code work} (where the runtime's directory goes; a new temporary
 * directory), {@code jar} ({@code -Dusher.jar}; runtime/target/usher.jar). Exit status 0 when it
 * passes, 1 when not.
 */
public final class Soak {

    /** The soak's options. */
    public record Options(Path jar, Path work, Duration duration, Duration sample, Duration settingsEvery,
            int clients, Duration pace, int abusersPerKind) {

        public static Options parse(String... args) throws IOException {
            Arguments a = new Arguments("soak", args);
            String work = a.string("work", null);
            return new Options(a.jar(),
                    work != null ? Path.of(work) : Files.createTempDirectory("usher-soak"),
                    a.duration("duration", Duration.ofMinutes(3)),
                    a.duration("sample", Duration.ofMinutes(1)),
                    a.duration("settingsEvery", Duration.ofSeconds(10)),
                    a.integer("clients", 4),
                    a.duration("pace", Duration.ofMillis(20)),
                    a.integer("abusers", 2));
        }
    }

    /** A normal request's timeout: generous, the machine may be shared and busy. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** The runtime's default graceful_timeout. */
    static final Duration GRACEFUL_TIMEOUT = Duration.ofSeconds(30);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        SoakResult result = run(Options.parse(args), System.out);
        System.out.print(result.report());
        System.exit(result.problems().isEmpty() ? 0 : 1);
    }

    /** Runs the soak, printing each sample to {@code out} as it is taken. */
    public static SoakResult run(Options options, PrintStream out) throws Exception {
        Path directory = options.work().resolve(
                "soak-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        out.println("Usher soak: " + options + "\nruntime directory " + directory);
        try (UsherProcess usher = UsherProcess.start(options.jar(), directory)) {
            Target target = new Target("127.0.0.1", usher.port());
            ResourceSampler sampler = new ResourceSampler(usher.pid(), usher.port(), usher.temporaryDirectory(),
                    usher.gcLog());
            List<Sample> samples = new ArrayList<>();
            NormalTraffic normal = new NormalTraffic(target, options.clients(), options.pace(), REQUEST_TIMEOUT);
            AbusiveMix abuse = new AbusiveMix(target, Abuses.all(), options.abusersPerKind());
            SettingsCycler cycler = new SettingsCycler(usher, options.settingsEvery());
            LatencyRecorder recorder = normal.recorder();
            boolean died = false;
            long start = System.nanoTime();
            out.println(Sample.HEADER);
            // the server before any traffic: what it holds once every client is gone again
            Sample idle = new Sample(Duration.ZERO, "idle", sampler.sample(), recorder.interval());
            samples.add(idle);
            out.println(idle);
            start = System.nanoTime();
            try (normal; abuse; cycler) {
                normal.start();
                abuse.start();
                cycler.start();
                long intervals = Math.max(1, options.duration().toNanos() / options.sample().toNanos());
                for (long k = 1; k <= intervals && !died; k++) {
                    died = !awaitAlive(usher, start + k * options.sample().toNanos());
                    if (!died) {
                        Sample sample = new Sample(Duration.ofNanos(System.nanoTime() - start),
                                k == 1 ? "baseline" : "steady", sampler.sample(), recorder.interval());
                        samples.add(sample);
                        out.println(sample);
                    }
                }
            } // the cycler, the abusers, then the normal clients stop
            String abuseReport = abuse.report();
            long unexpected = abuse.unexpectedCount();
            if (!died && usher.isAlive()) {
                awaitQuiet(sampler, idle.resources().fds() + SoakResult.FD_TOLERANCE_AFTER_STOP,
                        Duration.ofSeconds(20));
                Sample after = new Sample(Duration.ofNanos(System.nanoTime() - start), "after-stop", sampler.sample(),
                        recorder.interval());
                samples.add(after);
                out.println(after);
            }
            died |= !usher.isAlive();
            Duration stopLimit = GRACEFUL_TIMEOUT.plusSeconds(15);
            Integer status = null;
            long stopStart = System.nanoTime();
            if (!died) {
                usher.signal("TERM");
                status = usher.awaitExit(stopLimit);
            }
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStart);
            Console console = usher.console();
            return new SoakResult(directory, samples, recorder.total(), recorder.firstErrors(), abuseReport,
                    unexpected, cycler.applied(), cycler.failures(), cycler.slowest(), console.levels(),
                    console.problems(), console.accessStatuses(), died, status, stopTook, stopLimit);
        }
    }

    /** Waits until {@code dueNanos} (pacing the samples); false if the runtime died meanwhile. */
    private static boolean awaitAlive(UsherProcess usher, long dueNanos) {
        for (long left; (left = dueNanos - System.nanoTime()) > 0; ) {
            if (!usher.isAlive()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, 1_000_000_000L));
        }
        return usher.isAlive();
    }

    /**
     * Once the clients are gone their connections close, and with them the temporary files of
     * bodies and responses: waits for the server to have no connection, no temporary file and
     * no more descriptors than {@code fds}, at most {@code within} (the checks in
     * {@link SoakResult} then report what is left).
     */
    private static void awaitQuiet(ResourceSampler sampler, long fds, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while ((sampler.connections() > 0 || sampler.tempFiles() > 0 || sampler.fds() > fds)
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(100_000_000L); // polling /proc: there is nothing to wait on
        }
    }
}
