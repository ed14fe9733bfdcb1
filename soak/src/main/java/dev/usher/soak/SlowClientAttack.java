package dev.usher.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The slow-client attack of issue 9, section 1, measured: {@code connections} hostile connections
 * ({@link HostileSwarm}: slow heads, slow bodies, silent ones, idle keep-alive ones, each reopened
 * as soon as the server closes it) against a server on default settings, and meanwhile a normal
 * user ({@link CurlProbe}) making {@code requests} requests one after another, each on a new
 * connection with a {@code timeout} (3 s, as {@code curl --max-time 3}).
 *
 * <pre>
 * java -cp soak/target/classes dev.usher.soak.SlowClientAttack                  # starts runtime/target/usher.jar
 * java -cp soak/target/classes dev.usher.soak.SlowClientAttack 127.0.0.1:8080   # a server already running
 * </pre>
 *
 * Options ({@code key=value} or {@code -Dattack.key=value}): {@code connections} (1000),
 * {@code requests} (400), {@code timeout} (PT3S), {@code budget} (the longest the probe may run:
 * PT3M; requests it has no time left for count as failures), {@code work} (where a runtime it
 * starts gets its directory), {@code jar}. Exit status 0 when at least 99 % of the requests were
 * answered in time, 1 when not.
 */
public final class SlowClientAttack {

    /** The pass mark the issue sets: 99 % of the normal requests answered within the timeout. */
    public static final double GOAL = 0.99;
    /** How long the swarm may take to get all its connections established before the probe starts. */
    static final Duration RAMP_UP = Duration.ofSeconds(60);

    /** The attack's options. */
    public record Options(Target target, Path jar, Path work, int connections, int requests, Duration timeout,
            Duration budget) {

        public static Options parse(String... args) throws IOException {
            Arguments a = new Arguments("attack", args);
            List<String> positional = a.positional();
            String work = a.string("work", null);
            return new Options(positional.isEmpty() ? null : Target.parse(positional.get(0)), a.jar(),
                    work != null ? Path.of(work) : Files.createTempDirectory("usher-attack"),
                    a.integer("connections", 1000),
                    a.integer("requests", 400),
                    a.duration("timeout", Duration.ofSeconds(3)),
                    a.duration("budget", Duration.ofMinutes(3)));
        }
    }

    private SlowClientAttack() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        AttackReport report;
        if (options.target() != null) {
            report = attack(options.target(), options, System.out);
        } else {
            try (UsherProcess usher = startRuntime(options)) {
                report = attack(new Target("127.0.0.1", usher.port()), options, System.out);
                usher.signal("TERM");
                Integer status = usher.awaitExit(Soak.GRACEFUL_TIMEOUT.plusSeconds(15));
                System.out.println("runtime: " + (status == null ? "still running after SIGTERM" : "exit " + status));
            }
        }
        System.out.print(report);
        System.exit(report.answeredFraction() >= GOAL ? 0 : 1);
    }

    /** Starts the runtime on default settings (but for listen) in a new directory under {@code work}. */
    public static UsherProcess startRuntime(Options options) throws IOException, InterruptedException {
        Path directory = options.work().resolve(
                "attack-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        return UsherProcess.start(options.jar(), directory);
    }

    /**
     * Runs the attack on {@code target}: the swarm ramps up (until all its connections are
     * established, at most {@link #RAMP_UP}), the probe runs, the swarm closes.
     */
    public static AttackReport attack(Target target, Options options, PrintStream out) throws Exception {
        requireDescriptors(options.connections() + 256);
        out.println("Slow-client attack on " + target + ": " + options.connections() + " hostile connections");
        try (HostileSwarm swarm = new HostileSwarm(target, options.connections()).start()) {
            if (!swarm.awaitConnected(options.connections(), RAMP_UP)) {
                out.println("  not all hostile connections established within " + RAMP_UP + "; probing anyway");
            }
            HostileSwarm.Stats atStart = swarm.stats();
            out.println("  hostile: " + atStart);
            out.println("  probing: " + options.requests() + " x GET / on a new connection, timeout "
                    + options.timeout());
            CurlProbe.Result probe = CurlProbe.run(target, options.requests(), options.timeout(), options.budget());
            return new AttackReport(target, options.connections(), atStart, swarm.stats(), probe, options.timeout());
        }
    }

    /**
     * Fails early, with the remedy, when this process may not open {@code needed} files. The JVM
     * raises its soft limit to the hard one by itself on Linux ({@code -XX:+MaxFDLimit}, the
     * default), so it is the hard limit ({@code ulimit -Hn}) that has to be high enough.
     */
    static void requireDescriptors(long needed) throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return; // not Linux: nothing to read it from; the connects will say so if it is too low
        }
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                if (!soft.equals("unlimited") && Long.parseLong(soft) < needed) {
                    throw new IllegalStateException("this process may open " + soft + " files, the attack needs "
                            + needed + ": raise the limit (ulimit -n " + needed + ", or the hard limit ulimit -Hn)");
                }
            }
        }
    }
}
