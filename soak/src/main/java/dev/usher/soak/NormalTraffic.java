package dev.usher.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak's well-behaved traffic: {@code keepAliveClients} keep-alive clients sending the
 * {@link NormalRequest.Mix}, and one client opening a connection per {@code GET /}; all on
 * threads of their own, at {@code pace} each, recording into one {@link LatencyRecorder}.
 */
public final class NormalTraffic implements AutoCloseable {

    private final Lifetime lifetime = new Lifetime();
    private final List<Thread> threads = new ArrayList<>();
    private final LatencyRecorder recorder = new LatencyRecorder();

    public NormalTraffic(Target target, int keepAliveClients, Duration pace, Duration timeout) {
        for (int i = 0; i < keepAliveClients; i++) {
            NormalRequest.Mix mix = new NormalRequest.Mix(target, i);
            threads.add(new Thread(new NormalClient(target, true, mix::next, recorder, lifetime, pace, timeout),
                    "normal-keep-alive-" + i));
        }
        threads.add(new Thread(new NormalClient(target, false, () -> NormalRequest.hello(target, false), recorder,
                lifetime, pace, timeout), "normal-new-connection"));
    }

    public NormalTraffic start() {
        threads.forEach(Thread::start);
        return this;
    }

    public LatencyRecorder recorder() {
        return recorder;
    }

    /** Stops the clients and waits for their threads (at most 10 s each: their reads time out by then). */
    @Override
    public void close() throws InterruptedException {
        lifetime.stop();
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }
}
