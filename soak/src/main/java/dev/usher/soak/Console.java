package dev.usher.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's console (standard output and error), read line by line on a thread of its own.
 *
 * <p>A soak runs for an hour with the access log on (the runtime's default), so the console is
 * not kept: lines go to a file (all but the access log lines, which are only counted by status),
 * a short tail is kept for failure messages, and WARN and ERROR lines are counted by message
 * (without their time stamp, with the first line of their stack trace if any). Waiting for a line is done with a {@link Watch} registered <em>before</em> the action
 * that causes it, tested by the reader on every line as it arrives, so no line is missed however
 * fast the console scrolls.
 */
public final class Console {

    private static final int TAIL = 200;
    private static final int KEPT_PROBLEMS = 100;
    private static final String OTHER_PROBLEMS = "(other WARN and ERROR messages)";
    /** {@code ... [dev.usher.access] 127.0.0.1 - - [...] "GET / HTTP/1.1" 200 13 "-" "-"}: the status. */
    private static final Pattern ACCESS_STATUS = Pattern.compile("\" (\\d{3}) ");

    private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL);
    /** WARN and ERROR messages, without time stamp, and how often each came. */
    private final Map<String, Long> problems = new LinkedHashMap<>();
    /** The last WARN or ERROR message, until the next line says whether a stack trace follows. */
    private String pendingProblem;
    private final Map<String, Long> levels = new TreeMap<>();
    private final Map<String, Long> accessStatuses = new TreeMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private boolean ended;

    private final Thread reader;

    /**
     * A console that will read {@code input}, writing the lines worth keeping to {@code file}, once
     * {@link #start() started} (so that watches can be registered before the first line).
     */
    Console(InputStream input, Path file) throws IOException {
        BufferedWriter out = Files.newBufferedWriter(file, UTF_8);
        this.reader = new Thread(() -> read(input, out), "usher-console-reader");
        reader.setDaemon(true);
    }

    /** Starts reading. */
    void start() {
        reader.start();
    }

    private void read(InputStream input, BufferedWriter out) {
        try (out; BufferedReader in = new BufferedReader(new InputStreamReader(input, UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                boolean access = line.contains("[dev.usher.access]");
                if (!access) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                }
                for (Watch watch : watches) {
                    watch.offer(line);
                }
                synchronized (this) {
                    if (tail.size() == TAIL) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                    if (access) {
                        Matcher status = ACCESS_STATUS.matcher(line);
                        if (status.find()) {
                            accessStatuses.merge(status.group(1), 1L, Long::sum);
                        }
                    } else {
                        String level = level(line);
                        if (pendingProblem != null) {
                            // a line without a level after a problem is its exception's first line
                            problem(level == null ? pendingProblem + " | " + line.strip() : pendingProblem);
                            pendingProblem = null;
                        }
                        if (level != null) {
                            levels.merge(level, 1L, Long::sum);
                            if ("WARN".equals(level) || "ERROR".equals(level)) {
                                pendingProblem = line.split("\\s+", 3)[2];
                            }
                        }
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            synchronized (this) {
                if (pendingProblem != null) {
                    problem(pendingProblem);
                }
                ended = true;
                notifyAll();
            }
            watches.forEach(Watch::end);
        }
    }

    private void problem(String message) {
        String key = problems.containsKey(message) || problems.size() < KEPT_PROBLEMS ? message : OTHER_PROBLEMS;
        problems.merge(key, 1L, Long::sum);
    }

    /** {@code 2026-12-04 17:31:34.689 INFO  dev.usher...}: the third word, when it is a level. */
    private static String level(String line) {
        String[] words = line.split("\\s+", 4);
        if (words.length < 3) {
            return null;
        }
        return switch (words[2]) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR" -> words[2];
            default -> null;
        };
    }

    /** Starts watching for a line matching {@code match}, from the next line read on. */
    public Watch watch(Predicate<String> match) {
        Watch watch = new Watch(match);
        watches.add(watch);
        synchronized (this) {
            if (ended) {
                watch.end();
            }
        }
        return watch;
    }

    /** The last lines read (at most 200), for failure messages. */
    public synchronized String tail() {
        return String.join("\n", tail);
    }

    /** Lines by level (INFO, WARN, ...), access log lines not included. */
    public synchronized Map<String, Long> levels() {
        return new TreeMap<>(levels);
    }

    /** Access log lines by response status. */
    public synchronized Map<String, Long> accessStatuses() {
        return new TreeMap<>(accessStatuses);
    }

    /** WARN and ERROR messages (the first 100 different ones), each with how often it came. */
    public synchronized Map<String, Long> problems() {
        return new LinkedHashMap<>(problems);
    }

    /** Waits for the console to end (the process closed it), at most {@code within}. */
    public synchronized boolean awaitEnd(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (long left; !ended && (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return ended;
    }

    /** One awaited line. */
    public final class Watch {
        private final Predicate<String> match;
        private String matched;
        private boolean ended;

        private Watch(Predicate<String> match) {
            this.match = match;
        }

        private synchronized void offer(String line) {
            if (matched == null && match.test(line)) {
                matched = line;
                watches.remove(this);
                notifyAll();
            }
        }

        private synchronized void end() {
            ended = true;
            notifyAll();
        }

        /**
         * The matching line, waiting for it at most {@code within}.
         *
         * @throws IllegalStateException at the deadline, or when the console ended first, with the tail
         */
        public String await(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            synchronized (this) {
                for (long left; matched == null && !ended && (left = deadline - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                if (matched != null) {
                    return matched;
                }
            }
            watches.remove(this);
            throw new IllegalStateException("no such line on the console " + (ended ? "(it ended)" : "within " + within)
                    + "; its last lines:\n" + tail());
        }
    }
}
