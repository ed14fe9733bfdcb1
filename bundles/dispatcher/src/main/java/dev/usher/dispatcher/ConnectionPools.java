package dev.usher.dispatcher;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.osgi.service.log.Logger;

import dev.usher.config.Adjustments;

/**
 * The open connections of one server, in two pools. A connection is <em>served</em> while a
 * request is in service on it (handed to its application, or its response still being written)
 * or while it has buffered more than {@link Connection#WAITING_REQUEST_BYTES} of a request not
 * complete yet: {@code connection_limit} bounds these, which hold threads and buffers. Every
 * other connection is <em>waiting</em> for a request (just accepted, idle between requests, or
 * receiving a small one): it costs a socket and about 2 KB of heap, and
 * {@code waiting_connection_limit} bounds these.
 *
 * <p>So that slow or idle clients cannot keep the next client out:
 * <ul>
 * <li>At {@code waiting_connection_limit}, each connection accepted sheds the waiting one furthest
 * behind (of lowest {@link Connection#paidUntil()}: idle, silent or trickling longest).
 * <li>At {@code connection_limit}, a request that needs a slot sheds a served connection that has
 * stalled (no application running on it, and behind the rate of
 * {@value Connection#MIN_RATE} bytes a second by {@link #STALL_NANOS}), or else waits, its
 * connection no longer read, until a slot is released. Requests wait in order.
 * </ul>
 * A connection an application is answering is never shed.
 */
final class ConnectionPools {

    /** How far behind the minimum rate a served connection must be before it may be shed. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long after a look for a stalled served connection that found none the next look waits.
     * A look visits every connection, and while requests wait in line every request that needs a
     * slot would look; a stall is a matter of a second, so seeing it this much later costs nothing.
     */
    static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Supplier<Adjustments> settings;
    private final Runnable resumeListeners;
    private final ShedLog waitingShedLog;
    private final ShedLog servedShedLog;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Every open connection, claimed ones until closed. */
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Queue<Connection> admissions = new ConcurrentLinkedQueue<>();
    /** Set when a listener found no waiting connection to shed: the next that may be shed resumes it. */
    private volatile boolean victimWanted;
    /** Before this {@link System#nanoTime()}, {@link #leastWorthServing} finds none without looking. */
    private volatile long nextServedLookNanos = System.nanoTime();

    ConnectionPools(String server, Supplier<Adjustments> settings, Runnable resumeListeners, Logger logger) {
        this.settings = settings;
        this.resumeListeners = resumeListeners;
        this.waitingShedLog = new ShedLog(server, "waiting_connection_limit", logger,
                "each new connection now sheds the waiting one idle, silent or trickling longest");
        this.servedShedLog = new ShedLog(server, "connection_limit", logger,
                "requests now shed the served connections stalled below " + Connection.MIN_RATE + " bytes a second");
    }

    /** A socket was accepted: it waits, counted from now. */
    void accepted() {
        open.incrementAndGet();
        waiting.incrementAndGet();
    }

    /** A socket accepted could not be set up: it never became a connection. */
    void acceptFailed() {
        waiting.decrementAndGet();
        open.decrementAndGet();
    }

    /** The connection registered with its loop: from now on it may be shed. */
    void registered(Connection connection) {
        connections.add(connection);
        victimAvailable();
    }

    /** Whether the waiting pool is full: a connection accepted now must shed one. */
    boolean waitingFull() {
        return waiting.get() >= settings.get().waitingConnectionLimit();
    }

    /**
     * The waiting connection furthest behind, to shed for one about to be accepted; null when
     * none may be shed (every waiting one holds a request that waits for a slot).
     */
    Connection leastWorthWaiting() {
        // before the scan: a connection that becomes sheddable after it sees the flag
        victimWanted = true;
        Connection victim = null;
        for (Connection candidate : connections) {
            if (candidate.sheddableWhileWaiting() && (victim == null || candidate.paidUntil() - victim.paidUntil() < 0)) {
                victim = candidate;
            }
        }
        if (victim != null) {
            victimWanted = false;
        }
        return victim;
    }

    /** Has {@code victim}, a waiting connection, closed to make room for one just accepted. */
    void shedWaiting(Connection victim) {
        if (victim.claim(Connection.Slot.WAITING)) {
            waiting.decrementAndGet();
            victim.shedSoon();
            waitingShedLog.shed(settings.get().waitingConnectionLimit());
        }
    }

    /** A connection may now be shed from the waiting pool: a listener that found none looks again. */
    void victimAvailable() {
        if (victimWanted) {
            victimWanted = false;
            resumeListeners.run();
        }
    }

    /**
     * Gives {@code connection} a slot in the served pool: a free one, or that of a stalled served
     * connection, which is shed. Without either it joins the queue and is
     * {@linkplain Connection#admitted() admitted} on its loop once a slot is released.
     *
     * @return whether it is served now
     */
    boolean admit(Connection connection) {
        int limit = settings.get().connectionLimit();
        while (true) {
            if (tryTakeSlot(limit)) {
                if (connection.claimSlot()) {
                    waiting.decrementAndGet();
                    return true;
                }
                served.decrementAndGet();
                return false;
            }
            Connection victim = leastWorthServing();
            if (victim == null) {
                admissions.add(connection);
                // a slot released between the look and the queueing must not be missed
                admitQueued();
                return false;
            }
            if (victim.claim(Connection.Slot.SERVED)) {
                served.decrementAndGet();
                victim.shedSoon();
                servedShedLog.shed(limit);
            }
        }
    }

    /** A served connection is between requests again: it waits, and its slot goes to the next in line. */
    void released() {
        waiting.incrementAndGet();
        served.decrementAndGet();
        admitQueued();
        victimAvailable();
    }

    /** A connection closed, from {@code slot}; its slot, if served, goes to the next in line. */
    void closed(Connection connection, Connection.Slot slot) {
        connections.remove(connection);
        switch (slot) {
            case WAITING -> {
                waiting.decrementAndGet();
                victimAvailable();
            }
            case SERVED -> {
                served.decrementAndGet();
                admitQueued();
            }
            default -> {
                // claimed: it counted no more
            }
        }
        if (open.decrementAndGet() == 0) {
            synchronized (open) {
                open.notifyAll();
            }
        }
    }

    /** The limits may have changed: requests in line and paused listeners look again. */
    void limitsChanged() {
        admitQueued();
        resumeListeners.run();
    }

    /**
     * Sheds a served connection that has stalled since requests got in line, for the first of
     * them: called on every loop's timer, as a connection stalls without any event.
     */
    void shedStalledForQueued() {
        if (admissions.isEmpty()) {
            return;
        }
        Connection victim = leastWorthServing();
        if (victim != null && victim.claim(Connection.Slot.SERVED)) {
            served.decrementAndGet();
            victim.shedSoon();
            servedShedLog.shed(settings.get().connectionLimit());
            admitQueued();
        }
    }

    /** Admits queued connections while slots are free. */
    private void admitQueued() {
        while (!admissions.isEmpty() && tryTakeSlot(settings.get().connectionLimit())) {
            Connection next = admissions.poll();
            if (next != null && next.claimSlot()) {
                waiting.decrementAndGet();
                next.admittedSoon();
            } else {
                served.decrementAndGet();
            }
        }
    }

    private boolean tryTakeSlot(int limit) {
        for (int n = served.get(); n < limit; n = served.get()) {
            if (served.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The stalled served connection furthest behind, or null; null without a look within
     * {@link #LOOK_AGAIN_NANOS} of a look that found none.
     */
    private Connection leastWorthServing() {
        long now = System.nanoTime();
        if (now - nextServedLookNanos < 0) {
            return null;
        }
        long stalled = now - STALL_NANOS;
        Connection victim = null;
        for (Connection candidate : connections) {
            if (candidate.sheddableWhileServed() && candidate.paidUntil() - stalled < 0
                    && (victim == null || candidate.paidUntil() - victim.paidUntil() < 0)) {
                victim = candidate;
            }
        }
        if (victim == null) {
            nextServedLookNanos = now + LOOK_AGAIN_NANOS;
        }
        return victim;
    }

    /**
     * Waits until no connection is open, at most {@code timeoutNanos}.
     *
     * @return how many are still open
     */
    int awaitNone(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (open) {
            for (long left = timeoutNanos; open.get() > 0 && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        return open.get();
    }

    /** Connections served now; for tests. */
    int served() {
        return served.get();
    }

    /** Connections waiting now; for tests. */
    int waiting() {
        return waiting.get();
    }

    /** The open connections; for tests. */
    Set<Connection> connectionsForTest() {
        return Set.copyOf(connections);
    }
}
