package dev.usher.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wrk} as a load generator for a test: started in the background against a URL, then read
 * for what a client saw. Tests that use it are skipped where {@code wrk} is not installed.
 */
final class Wrk {

    /** What wrk reported. */
    record Report(long requests, long socketErrors, long non2xx, String text) {
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final Process process;
    private final Path output;

    private Wrk(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Whether wrk is on the PATH. */
    static boolean installed() {
        try {
            Process probe = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Starts {@code wrk -t1 -cCONNECTIONS -dDURATION OPTIONS URL}, its report written to a file in {@code directory}. */
    static Wrk start(Path directory, int connections, Duration duration, String url, String... options)
            throws IOException {
        Path output = directory.resolve("wrk.txt");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("wrk", "-t1", "-c" + connections,
                "-d" + duration.toSeconds() + "s"));
        command.addAll(java.util.List.of(options));
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Wrk(process, output);
    }

    /** Waits for wrk to end (its duration and a margin) and reads its report. */
    Report report(Duration within) throws IOException, InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException("wrk did not end within " + within);
        }
        String text = Files.readString(output, UTF_8);
        Matcher requests = REQUESTS.matcher(text);
        if (!requests.find()) {
            throw new IOException("no report from wrk:\n" + text);
        }
        long socketErrors = 0;
        Matcher errors = SOCKET_ERRORS.matcher(text);
        if (errors.find()) {
            for (int group = 1; group <= 4; group++) {
                socketErrors += Long.parseLong(errors.group(group));
            }
        }
        Matcher non2xx = NON_2XX.matcher(text);
        return new Report(Long.parseLong(requests.group(1)), socketErrors,
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, text);
    }
}
