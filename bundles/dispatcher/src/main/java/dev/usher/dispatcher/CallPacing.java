package dev.usher.dispatcher;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.usher.api.HttpApplication;

/**
 * What one I/O loop has learnt of its blocking applications' calls: which are quick enough to
 * run on the loop's own thread, saving the hand-off to an application thread, and which are
 * better on the application threads, where they run beside the loop. A call is quick while its
 * application's recent calls averaged at most {@value #QUICK_MICROS} µs in the application (a
 * moving average that one outlier does not tip over). An application whose calls grew slower,
 * or whose call had to be {@linkplain IoLoop released} from the loop, goes to the application
 * threads for a while, and then one call tells again.
 *
 * <p>That while starts at {@value #FIRST_PAUSE_MILLIS} ms and doubles each time the application
 * turns out slow again, up to {@value #LONGEST_PAUSE_MILLIS} ms; calls quick again bring it back
 * to the start. On a busy machine a quick call is now and then descheduled for longer than the
 * release limit and taken for a slow one: such a mistake costs a few milliseconds on the
 * application threads, while an application that really blocks is tried about once a second.
 * Confined to the loop's thread.
 */
final class CallPacing {

    static final long QUICK_MICROS = 50;
    static final long FIRST_PAUSE_MILLIS = 10;
    static final long LONGEST_PAUSE_MILLIS = 1024;
    private static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(QUICK_MICROS);
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(FIRST_PAUSE_MILLIS);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(LONGEST_PAUSE_MILLIS);
    /** Applications come and go with their bundles: what is known is dropped past this many. */
    private static final int KNOWN_AT_MOST = 256;

    /**
     * One application's calls: a moving average; until when it is slow (0: it is not); and how
     * long it goes to the application threads the next time it turns out slow.
     */
    private static final class Pace {
        long averageNanos;
        long slowUntilNanos;
        long pauseNanos = FIRST_PAUSE_NANOS;

        void slow(long nowNanos) {
            slowUntilNanos = nowNanos + pauseNanos;
            pauseNanos = Math.min(2 * pauseNanos, LONGEST_PAUSE_NANOS);
        }
    }

    /** The applications a batch of calls goes to ({@link Task}). */
    interface Calls {
        /** How many calls. */
        int size();

        /** The application of call {@code i}; null for one the server answers itself. */
        HttpApplication application(int i);
    }

    private final Map<HttpApplication, Pace> paces = new IdentityHashMap<>();

    /** Whether every call of {@code task} may run on the loop at {@code nowNanos}. */
    boolean quick(Calls task, long nowNanos) {
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
    void ran(Calls task, long nanos, long nowNanos) {
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
                    pace.slow(nowNanos);
                } else if (pace.averageNanos < QUICK_NANOS / 4) {
                    // well within the limit since the last time it told: a mistake, or it changed
                    pace.pauseNanos = FIRST_PAUSE_NANOS;
                }
            }
        }
    }

    /** {@code task} had to leave the loop while it ran: its applications are slow for now. */
    void released(Calls task, long nowNanos) {
        for (int i = 0, n = task.size(); i < n; i++) {
            HttpApplication application = task.application(i);
            if (application != null) {
                pace(application).slow(nowNanos);
            }
        }
    }

    /** How long {@code application} would go to the application threads if slow now; for tests. */
    long pauseNanosForTest(HttpApplication application) {
        Pace pace = paces.get(application);
        return pace == null ? FIRST_PAUSE_NANOS : pace.pauseNanos;
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
