package dev.usher.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes the running server's settings every {@code every}, through its settings file as an
 * operator would: each change flips one setting between its default (absent from the file) and
 * another value, in turn, so after two rounds everything is back at the defaults; {@code listen}
 * never changes. After each change it waits for the server's {@code configuration applied} line.
 * Closing it puts the defaults back.
 */
public final class SettingsCycler implements AutoCloseable {

    /** How long FileInstall (polling every 2 s) and the server may take to apply a change. */
    private static final Duration APPLY_WITHIN = Duration.ofSeconds(30);

    private record Toggle(String key, String value) {
    }

    private final UsherProcess usher;
    private final Map<String, String> base;
    private final List<Toggle> toggles;
    private final Map<String, String> changed = new LinkedHashMap<>();
    private final Duration every;
    private final Lifetime lifetime = new Lifetime();
    private final Thread thread;
    private final List<String> failures = new ArrayList<>();
    private int applied;
    private Duration slowest = Duration.ZERO;

    public SettingsCycler(UsherProcess usher, Duration every) {
        this.usher = usher;
        this.every = every;
        this.base = UsherProcess.listenOnly(usher.port());
        // workers: the other one of 1 and 2 from the default (half the processors, at least 1)
        int defaultWorkers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        this.toggles = List.of(
                new Toggle("threads", "8"),
                new Toggle("workers", defaultWorkers == 1 ? "2" : "1"),
                new Toggle("ident", "usher-soak"),
                new Toggle("channel_request_lookahead", "4"),
                // small overflows: responses and request bodies spill to temporary files much sooner
                new Toggle("outbuf_overflow", "65536"),
                new Toggle("inbuf_overflow", "65536"));
        this.thread = new Thread(this::run, "settings-cycler");
    }

    public SettingsCycler start() {
        thread.start();
        return this;
    }

    private void run() {
        for (int step = 0; lifetime.pause(every); step++) {
            Toggle toggle = toggles.get(step % toggles.size());
            if (changed.remove(toggle.key()) == null) {
                changed.put(toggle.key(), toggle.value());
            }
            Map<String, String> settings = new LinkedHashMap<>(base);
            settings.putAll(changed);
            try {
                apply(settings);
            } catch (IOException | RuntimeException e) {
                fail(settings + ": " + e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void apply(Map<String, String> settings) throws IOException, InterruptedException {
        Console.Watch watch = usher.console().watch(line -> line.contains("Server default: configuration applied")
                || line.contains("Server default:") && line.contains("keeping the current settings"));
        long start = System.nanoTime();
        usher.settings().write(settings);
        String line;
        try {
            line = watch.await(APPLY_WITHIN);
        } catch (IllegalStateException e) {
            fail(settings + ": not applied within " + APPLY_WITHIN);
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        synchronized (this) {
            if (line.contains("keeping the current settings")) {
                failures.add(settings + ": refused: " + line);
            } else {
                applied++;
                slowest = took.compareTo(slowest) > 0 ? took : slowest;
            }
        }
    }

    private synchronized void fail(String what) {
        failures.add(what);
    }

    public synchronized int applied() {
        return applied;
    }

    public synchronized List<String> failures() {
        return new ArrayList<>(failures);
    }

    /** The longest a change took from the file's rename to the server's line. */
    public synchronized Duration slowest() {
        return slowest;
    }

    /**
     * Stops changing settings and puts the defaults back (listen only), waiting for them to apply:
     * the server then runs as it started, so what it holds afterwards compares with what it held
     * before any traffic.
     */
    @Override
    public void close() throws InterruptedException {
        lifetime.stop();
        thread.interrupt(); // a wait for the applied line ends at once: the soak is over
        thread.join(APPLY_WITHIN.toMillis() + 5_000);
        if (!changed.isEmpty() && usher.isAlive()) {
            changed.clear();
            try {
                apply(base);
            } catch (IOException | RuntimeException e) {
                fail("back to the defaults: " + e.getMessage());
            }
        }
    }
}
