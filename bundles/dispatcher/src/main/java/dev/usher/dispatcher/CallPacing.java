package dev.usher.dispatcher;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.usher.api.HttpApplication;

/**
 * What one I/O loop has learnt of its blocking applications' calls: which are quick enough to
 * run on the loop's own thread, saving the hand-off to an application thread, and which are
 * better on the application threads, where they run beside the loop. A call is quick while its
 * application's recent calls averaged at most {@value #QUICK_MICROS} µs in the application (a moving average that
 * one outlier does not tip over); an application whose
 * calls grew slower, or whose call had to be {@linkplain IoLoop released} from the loop, goes to
 * the application threads for {@value #RECHECK_SECONDS} s, and then one call tells again.
 * Confined to the loop's thread.
 */
final class CallPacing {

    static final long QUICK_MICROS = 50;
    static final long RECHECK_SECONDS = 1;
    private static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(QUICK_MICROS);
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(RECHECK_SECONDS);
    /** Applications come and go with their bundles: what is known is dropped past this many. */
    private static final int KNOWN_AT_MOST = 256;

    /** One application's calls: a moving average, and until when it is slow (0: it is not). */
    private static final class Pace {
        long averageNanos;
        long slowUntilNanos;
    }

    private final Map<HttpApplication, Pace> paces = new IdentityHashMap<>();

    /** Whether every call of {@code task} may run on the loop at {@code nowNanos}. */
    boolean quick(Task task, long nowNanos) {
        for (int i = 0, n = task.size(); i < n; i++) {
            HttpApplication application = task.application(i);
            Pace pace = application == null ? null : paces.get(application);
            if (pace != null && pace.slowUntilNanos != 0) {
                if (pace.slowUntilNanos - nowNanos > 0) {
                    return false;
                }
                // time to tell again: one call from the middle of the range
                pace.slowUntilNanos = 0;
                pace.averageNanos = QUICK_NANOS / 2;
            }
        }
        return true;
    }

    /**
     * {@code task} ran on the loop, its applications for {@code nanos} (not counting the
     * server's own work, such as writing the responses), ending at {@code nowNanos}.
     */
    void ran(Task task, long nanos, long nowNanos) {
        int n = task.size();
        // one outlier (a cold first call, a pause) does not make an application slow: a sample
        // counts for at most twice the limit, so it takes several slow calls in a row
        long each = Math.min(nanos / n, 2 * QUICK_NANOS);
        for (int i = 0; i < n; i++) {
            HttpApplication application = task.application(i);
            if (application != null) {
                Pace pace = pace(application);
                pace.averageNanos += (each - pace.averageNanos) / 8;
                if (pace.averageNanos > QUICK_NANOS) {
                    pace.slowUntilNanos = nowNanos + RECHECK_NANOS;
                }
            }
        }
    }

    /** {@code task} had to leave the loop while it ran: its applications are slow for now. */
    void released(Task task, long nowNanos) {
        for (int i = 0, n = task.size(); i < n; i++) {
            HttpApplication application = task.application(i);
            if (application != null) {
                pace(application).slowUntilNanos = nowNanos + RECHECK_NANOS;
            }
        }
    }

    private Pace pace(HttpApplication application) {
        Pace pace = paces.get(application);
        if (pace == null) {
            if (paces.size() >= KNOWN_AT_MOST) {
                paces.clear();
            }
            pace = new Pace();
            paces.put(application, pace);
        }
        return pace;
    }
}
