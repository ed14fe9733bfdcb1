package dev.usher.dispatcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.usher.api.HttpApplication;
import dev.usher.config.ServerSettings;
import dev.usher.dispatcher.monitor.ConfigChanges;
import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.ConnectionStatus;
import dev.usher.dispatcher.monitor.LoopStatus;
import dev.usher.dispatcher.monitor.MountStatus;
import dev.usher.dispatcher.monitor.ServerStatus;

/**
 * Takes a {@link ServerStatus} of a running server. A loop's connections are its own thread's to
 * read, so each loop is asked to describe them on its thread; a loop that does not answer within
 * {@value #LOOP_ANSWER_MILLIS} ms (stuck in a call its watch has not released yet) is shown with
 * -1 connections rather than holding the snapshot up.
 */
final class StatusSnapshots {

    static final long LOOP_ANSWER_MILLIS = 2000;

    /** What one loop said of its connections. */
    private record LoopView(IoLoop loop, List<ConnectionStatus> connections) {
    }

    private StatusSnapshots() {
    }

    /**
     * @param settings the server's settings service, for the configurations refused before they
     *     reached it; null when unknown
     * @param names an application's name as shown
     */
    static ServerStatus of(Server server, ServerSettings settings, Mounts mounts,
            Function<HttpApplication, String> names) {
        List<LoopView> views = views(server);
        List<LoopStatus> loops = new ArrayList<>();
        Map<ConnectionPhase, Integer> phases = new EnumMap<>(ConnectionPhase.class);
        for (ConnectionPhase phase : ConnectionPhase.values()) {
            phases.put(phase, 0);
        }
        List<IoLoop> taking = server.loops().all();
        for (LoopView view : views) {
            loops.add(new LoopStatus(view.loop().toString(), view.connections() == null ? -1 : view.connections().size(),
                    !taking.contains(view.loop())));
            if (view.connections() != null) {
                view.connections().forEach(c -> phases.merge(c.phase(), 1, Integer::sum));
            }
        }
        ServerMetrics metrics = server.metrics();
        List<MountStatus> mountStatus = mounts.on(server.name()).stream()
                .map(m -> new MountStatus(MountPoint.label(m.prefix()), names.apply(m.application()), m.serviceId(),
                        m.nonblocking(), m.streaming(), metrics.answeredAt(MountPoint.label(m.prefix()))))
                .toList();
        long refusedBefore = settings == null ? 0 : settings.refusedChanges();
        String settingsRefusal = settings == null ? null : settings.lastRefusal();
        String lastRefusal = metrics.lastRefusal() != null ? metrics.lastRefusal() : settingsRefusal;
        ConfigChanges config = new ConfigChanges(metrics.configAppliedCount(),
                metrics.configRefusedCount() + refusedBefore, lastRefusal);
        Instant started = server.started();
        return new ServerStatus(server.name(), started, Duration.between(started, Instant.now()),
                server.listenerUrls(), loops, server.applicationCalls().status(), phases, mountStatus,
                metrics.traffic(System.nanoTime()), config, metrics.loopRestarts(), metrics.enabled());
    }

    /** Every open connection of {@code server}. */
    static List<ConnectionStatus> connections(Server server) {
        List<ConnectionStatus> all = new ArrayList<>();
        for (LoopView view : views(server)) {
            if (view.connections() != null) {
                all.addAll(view.connections());
            }
        }
        return all;
    }

    private static List<LoopView> views(Server server) {
        List<IoLoop> loops = server.loops().running();
        List<CompletableFuture<List<ConnectionStatus>>> answers = new ArrayList<>();
        for (IoLoop loop : loops) {
            CompletableFuture<List<ConnectionStatus>> answer = new CompletableFuture<>();
            loop.execute(() -> {
                long now = System.nanoTime();
                answer.complete(loop.connections().stream().map(c -> c.status(now)).toList());
            });
            answers.add(answer);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOOP_ANSWER_MILLIS);
        List<LoopView> views = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            List<ConnectionStatus> connections;
            try {
                connections = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                connections = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                connections = null;
            }
            views.add(new LoopView(loops.get(i), connections));
        }
        return views;
    }
}
