package dev.usher.dispatcher;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * gunicorn's worker {@code timeout} for application calls: a call running longer is logged
 * with its thread's stack, and its thread is interrupted, unless it runs its I/O loop then
 * (interrupting that thread would close the loop's sockets): such a call is only logged.
 */
final class CallWatchdog {

    private static final class Call {
        final Object what;
        final long startNanos;
        final IoLoop loop;
        boolean reported;

        Call(Object what, long startNanos, IoLoop loop) {
            this.what = what;
            this.startNanos = startNanos;
            this.loop = loop;
        }
    }

    private final Map<Thread, Call> running = new ConcurrentHashMap<>();

    /**
     * The current thread starts calling an application for {@code what} (described only if
     * reported), for a connection of {@code loop}; returns whether the call is watched, to pass
     * to {@link #exit}.
     */
    boolean enter(Object what, IoLoop loop, int timeoutSeconds) {
        if (timeoutSeconds <= 0) {
            return false;
        }
        running.put(Thread.currentThread(), new Call(what, System.nanoTime(), loop));
        return true;
    }

    /**
     * The call is over. Clears an interrupt the watchdog may have sent, so the thread's next
     * socket write does not close the channel.
     */
    void exit(boolean watched) {
        if (watched) {
            running.remove(Thread.currentThread());
            Thread.interrupted();
        }
    }

    /** Reports, once each, the calls running longer than {@code timeoutSeconds} (0: never). */
    void check(int timeoutSeconds, Logger logger) {
        if (timeoutSeconds <= 0 || running.isEmpty()) {
            return;
        }
        long limit = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long now = System.nanoTime();
        running.forEach((thread, call) -> {
            if (!call.reported && now - call.startNanos > limit) {
                call.reported = true;
                // a call on its loop's thread may have released the loop since it started
                boolean interruptible = !call.loop.runsOn(thread);
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : thread.getStackTrace()) {
                    stack.append("\n\tat ").append(frame);
                }
                logger.error("Application call for {} on {} exceeded timeout={}s{}{}", call.what, thread.getName(),
                        timeoutSeconds, interruptible ? "; interrupting it" : "", stack);
                if (interruptible) {
                    thread.interrupt();
                }
            }
        });
    }
}
