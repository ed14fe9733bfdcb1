package dev.usher.dispatcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.osgi.service.log.Logger;

/**
 * The I/O loops of one server: new connections go to them round robin. Their number changes
 * while connections stay open: a loop added takes new connections; a loop removed takes no
 * more, hands each of its connections to the remaining loops as soon as no task is answering
 * it, then ends. A loop that dies from an unexpected throwable is replaced.
 */
final class IoLoops {

    private final String serverName;
    private final String threadPrefix;
    private final Logger logger;
    private final Consumer<IoLoop> timing;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private volatile IoLoop[] loops = new IoLoop[0];
    /** Loops retired that still hold connections; they stop once those have left. */
    private final Set<IoLoop> retiring = ConcurrentHashMap.newKeySet();
    private Runnable onReplaced = () -> { };
    private final ApplicationCalls calls;
    private final LoopWatch watch;

    /**
     * @param threadPrefix names the loops' threads: {@code <prefix>-io-N}, and {@code <prefix>-call-N}
     *     a thread that loop N went on without, while it finishes its call
     * @param timing sets a new loop's wait and timer (from the current settings)
     * @param calls where blocking application calls run when not on a loop's thread
     */
    IoLoops(String serverName, String threadPrefix, Logger logger, Consumer<IoLoop> timing, ApplicationCalls calls) {
        this.serverName = serverName;
        this.threadPrefix = threadPrefix;
        this.logger = logger;
        this.timing = timing;
        this.calls = calls;
        this.watch = new LoopWatch(this::running, threadPrefix + "-loopwatch");
    }

    /** Runs when a dead loop has been replaced, e.g. to move the listeners to the new first loop. */
    void onReplaced(Runnable action) {
        onReplaced = action;
    }

    /** The loop that accepts: the first, which is never removed. */
    IoLoop acceptor() {
        return loops[0];
    }

    /** The loop for the next connection, round robin. */
    IoLoop next() {
        IoLoop[] current = loops;
        return current[Math.floorMod(next.getAndIncrement(), current.length)];
    }

    /** The loops that take new connections. */
    List<IoLoop> all() {
        return List.of(loops);
    }

    /** Every loop that runs: those that take new connections and those retiring. */
    List<IoLoop> running() {
        List<IoLoop> running = new ArrayList<>(List.of(loops));
        running.addAll(retiring);
        return running;
    }

    int size() {
        return loops.length;
    }

    /** Starts or retires loops until there are {@code count}. */
    synchronized void resize(int count) {
        IoLoop[] current = loops;
        if (current.length == 0 && count > 0) {
            watch.start();
        }
        if (count > current.length) {
            IoLoop[] grown = Arrays.copyOf(current, count);
            for (int i = current.length; i < count; i++) {
                grown[i] = start();
            }
            loops = grown;
        } else if (count < current.length) {
            IoLoop[] kept = Arrays.copyOf(current, count);
            loops = kept;
            for (int i = count; i < current.length; i++) {
                retire(current[i], kept);
            }
        }
    }

    /** Stops every loop, closing its connections, and waits for them. */
    synchronized void stop() {
        List<IoLoop> current = running();
        loops = new IoLoop[0];
        retiring.clear();
        for (IoLoop loop : current) {
            loop.stop();
        }
        for (IoLoop loop : current) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        watch.stop();
    }

    private IoLoop start() {
        IoLoop[] self = new IoLoop[1];
        int number = created.getAndIncrement();
        IoLoop loop = new IoLoop(threadPrefix + "-io-" + number, threadPrefix + "-call-" + number, calls, watch,
                cause -> replace(self[0], cause));
        self[0] = loop;
        timing.accept(loop);
        loop.start();
        return loop;
    }

    private synchronized void replace(IoLoop dead, Throwable cause) {
        logger.error("Server {}: I/O loop {} died; replacing it", serverName, dead, cause);
        IoLoop[] current = loops.clone();
        for (int i = 0; i < current.length; i++) {
            if (current[i] == dead) {
                current[i] = start();
            }
        }
        loops = current;
        onReplaced.run();
    }

    /** Hands {@code loop}'s connections to {@code heirs} as each falls quiet, then ends the loop. */
    private void retire(IoLoop loop, IoLoop[] heirs) {
        AtomicInteger heir = new AtomicInteger();
        retiring.add(loop);
        Runnable handOver = () -> {
            List<Connection> connections = loop.connections();
            for (Connection connection : List.copyOf(connections)) {
                connection.moveTo(heirs[Math.floorMod(heir.getAndIncrement(), heirs.length)]);
            }
            if (loop.connections().isEmpty()) {
                retiring.remove(loop);
                loop.stop();
            }
        };
        // try at once, then after every wakeup: a connection falls quiet when its task ends
        loop.retire(handOver);
    }
}
