package dev.usher.dispatcher;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * gunicorn's worker {@code timeout} for application calls: a call running longer is logged
 * with its thread's stack, and its thread is interrupted (an I/O loop's thread is only
 * logged: interrupting it would close its sockets).
 */
final class CallWatchdog {

    private static final class Call {
        final Object what;
        final long startNanos;
        final boolean interruptible;
        boolean reported;

        Call(Object what, long startNanos, boolean interruptible) {
            this.what = what;
            this.startNanos = startNanos;
            this.interruptible = interruptible;
        }
    }

    private final Map<Thread, Call> running = new ConcurrentHashMap<>();

    /**
     * The current thread starts calling an application for {@code what} (described only if
     * reported); returns whether the call is watched, to pass to {@link #exit}.
     */
    boolean enter(Object what, boolean interruptible, int timeoutSeconds) {
        if (timeoutSeconds <= 0) {
            return false;
        }
        running.put(Thread.currentThread(), new Call(what, System.nanoTime(), interruptible));
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
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : thread.getStackTrace()) {
                    stack.append("\n\tat ").append(frame);
                }
                logger.error("Application call for {} on {} exceeded timeout={}s{}{}", call.what, thread.getName(),
                        timeoutSeconds, call.interruptible ? "; interrupting it" : "", stack);
                if (call.interruptible) {
                    thread.interrupt();
                }
            }
        });
    }
}
