package dev.usher.dispatcher;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.log.Logger;

import dev.usher.config.Adjustments;
import dev.usher.config.ListenAddress;

/**
 * The listening sockets of one server. A change of addresses binds the new ones before it
 * closes the old ones and keeps those that stay, so a reconfiguration never refuses a
 * connection; if any new address cannot be bound, nothing changes.
 */
final class Listeners {

    private final Server server;
    private final Logger logger;
    private List<Listener> current = List.of();
    /** Sockets a previous dispatcher handed over, by {@link ListenerHandover#key}; used once. */
    private final Map<String, ServerSocketChannel> inherited;

    Listeners(Server server, Logger logger, Map<String, ServerSocketChannel> inherited) {
        this.server = server;
        this.logger = logger;
        this.inherited = new HashMap<>(inherited);
    }

    /**
     * Listens on the addresses {@code settings} name, accepting on {@code acceptor}.
     *
     * @throws IOException naming the first address that could not be bound; then nothing changed
     */
    synchronized void update(Adjustments settings, IoLoop acceptor) throws IOException {
        commit(prepare(settings), acceptor);
    }

    /**
     * Binds the addresses {@code settings} add, without accepting on them yet: a server commits
     * the change only once the rest of the new settings are in place, so that no connection
     * reaches a new address before the settings that came with it.
     *
     * @throws IOException naming the first address that could not be bound; then nothing changed
     */
    synchronized Change prepare(Adjustments settings) throws IOException {
        Map<SocketAddress, Listener> kept = new LinkedHashMap<>();
        for (Listener listener : current) {
            kept.put(listener.requested(), listener);
        }
        List<Listener> next = new ArrayList<>();
        List<Listener> bound = new ArrayList<>();
        try {
            for (SocketAddress address : addresses(settings)) {
                Listener listener = kept.remove(address);
                if (listener == null) {
                    ServerSocketChannel parked = inherited.remove(ListenerHandover.key(server.name(), address));
                    listener = parked != null ? Listener.adopt(server, parked, address) : bind(address, settings);
                    bound.add(listener);
                }
                next.add(listener);
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(Listener::close);
            throw e;
        }
        return new Change(List.copyOf(next), List.copyOf(bound), List.copyOf(kept.values()));
    }

    /**
     * Starts accepting on the addresses {@code change} bound and closes those it dropped. Until
     * then a client of a new address waits in its backlog.
     */
    synchronized void commit(Change change, IoLoop acceptor) {
        // the settings that came with the change are in place by now
        String scheme = scheme();
        for (Listener listener : change.bound()) {
            listener.register(acceptor);
            logger.info("Serving on {}", listener.url(scheme));
        }
        for (Listener gone : change.removed()) {
            gone.closeSoon();
            logger.info("Stopped serving on {}", gone.url());
        }
        current = change.next();
        // handed-over sockets for addresses no longer wanted
        inherited.values().forEach(ListenerHandover::closeQuietly);
        inherited.clear();
    }

    /**
     * A change of addresses, bound but not committed.
     *
     * @param next the listeners once committed
     * @param bound those newly bound, not accepting yet
     * @param removed those to close
     */
    record Change(List<Listener> next, List<Listener> bound, List<Listener> removed) {
    }

    /**
     * Stops accepting without closing the sockets and gives them up, by
     * {@link ListenerHandover#key}, for the next dispatcher.
     */
    synchronized Map<String, ServerSocketChannel> detach() {
        Map<String, ServerSocketChannel> sockets = new HashMap<>();
        for (Listener listener : current) {
            sockets.put(ListenerHandover.key(server.name(), listener.requested()), listener.detach());
        }
        current = List.of();
        return sockets;
    }

    /** Moves accepting to {@code acceptor}, after the loop that accepted died. */
    synchronized void reregister(IoLoop acceptor) {
        current.forEach(listener -> listener.register(acceptor));
    }

    /** Resumes the listeners paused at the connection limit. */
    synchronized void resume() {
        current.forEach(Listener::resume);
    }

    /**
     * Stops listening, the sockets closed when this returns, so that clients go elsewhere at
     * once (to a server that took over with {@code SO_REUSEPORT}); those already waiting in a
     * backlog are taken in and answered.
     */
    synchronized void close() {
        for (Listener listener : current) {
            listener.closeNow();
            logger.info("Stopped serving on {}", listener.url());
        }
        current = List.of();
    }

    /** Where clients reach the server now: {@code http://127.0.0.1:8080}, {@code unix:/path}. */
    synchronized List<String> urls() {
        String scheme = scheme();
        return current.stream().map(listener -> listener.url(scheme)).toList();
    }

    /** The scheme of the server's listeners, as its settings say now. */
    private String scheme() {
        return server.adjustments().tls().enabled() ? "https" : "http";
    }

    /** The addresses bound now. */
    synchronized List<SocketAddress> addresses() {
        return current.stream().map(Listener::address).toList();
    }

    private Listener bind(SocketAddress address, Adjustments settings) throws IOException {
        try {
            if (address instanceof UnixDomainSocketAddress unix) {
                return Listener.bindUnix(server, unix.getPath(), settings.unixSocketPerms(), settings.backlog());
            }
            return Listener.bind(server, (InetSocketAddress) address, settings.backlog(), settings.reusePort());
        } catch (IOException e) {
            throw new IOException("cannot listen on " + describe(address) + ": " + e.getMessage(), e);
        }
    }

    /** {@code 127.0.0.1:80}, {@code [::1]:80} or the socket file's path, as a user wrote it. */
    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return (inet.getAddress() instanceof Inet6Address ? "[" + Listener.compressed(host) + "]" : host) + ":"
                    + inet.getPort();
        }
        return address instanceof UnixDomainSocketAddress unix ? unix.getPath().toString() : String.valueOf(address);
    }

    /** Every socket address {@code settings} ask for, host names resolved. */
    static List<SocketAddress> addresses(Adjustments settings) throws UnknownHostException {
        List<SocketAddress> all = new ArrayList<>();
        for (ListenAddress address : settings.listen()) {
            all.addAll(resolve(address, settings));
        }
        if (!settings.unixSocket().isEmpty()) {
            all.add(UnixDomainSocketAddress.of(Path.of(settings.unixSocket()).toAbsolutePath()));
        }
        return all;
    }

    private static List<InetSocketAddress> resolve(ListenAddress address, Adjustments a) throws UnknownHostException {
        List<InetSocketAddress> resolved = new ArrayList<>();
        if (address.wildcard()) {
            // A dual-stack "::" socket takes IPv4 too, so binding both would conflict.
            String any = a.ipv6() ? "::" : "0.0.0.0";
            resolved.add(new InetSocketAddress(InetAddress.getByName(any), address.port()));
            return resolved;
        }
        for (InetAddress inet : InetAddress.getAllByName(address.host())) {
            if ((inet instanceof Inet4Address && a.ipv4()) || (inet instanceof Inet6Address && a.ipv6())) {
                resolved.add(new InetSocketAddress(inet, address.port()));
            }
        }
        if (resolved.isEmpty()) {
            throw new UnknownHostException(address.host() + " has no address of an enabled family (ipv4/ipv6)");
        }
        return resolved;
    }
}
