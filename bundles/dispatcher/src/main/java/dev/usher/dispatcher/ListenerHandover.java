package dev.usher.dispatcher;

import java.nio.channels.ServerSocketChannel;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Keeps listening sockets open across an update of the dispatcher bundle. The stopping
 * dispatcher parks its open server sockets with the framework, registered on behalf of the
 * system bundle so they outlive it; the next dispatcher claims those of its servers and
 * accepts on them, so clients that connect during the update wait in the backlog instead of
 * being refused. When no dispatcher is coming back, clients must be refused promptly rather
 * than left waiting: the sockets are closed as soon as the dispatcher bundle is uninstalled, and
 * whatever nobody claimed within {@value #UNCLAIMED_SECONDS} seconds (the bundle stopped for good).
 *
 * <p>The service is a {@link Supplier} (a type every bundle shares) of the parked sockets,
 * keyed by server name and address.
 */
final class ListenerHandover {

    /** The service property that marks a handover. */
    static final String PROPERTY = "usher.listener.handover";

    /** How long parked sockets wait for a dispatcher to claim them: longer than an update and refresh take. */
    static final long UNCLAIMED_SECONDS = 5;

    private ListenerHandover() {
    }

    /** The key of a server's socket: server name and the address it was asked for. */
    static String key(String server, Object requested) {
        return server + "|" + requested;
    }

    /** Parks {@code sockets} (by {@link #key}) for the next dispatcher. */
    static void offer(BundleContext context, Map<String, ServerSocketChannel> sockets) {
        if (sockets.isEmpty()) {
            return;
        }
        Map<String, ServerSocketChannel> parked = new ConcurrentHashMap<>(sockets);
        Supplier<Map<String, ServerSocketChannel>> supplier = () -> parked;
        BundleContext system = context.getBundle(Constants.SYSTEM_BUNDLE_ID).getBundleContext();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PROPERTY, Boolean.TRUE);
        ServiceRegistration<?> registration = system.registerService(Supplier.class, supplier, properties);
        long dispatcher = context.getBundle().getBundleId();
        AtomicBoolean closed = new AtomicBoolean();
        BundleListener[] uninstalled = new BundleListener[1];
        Runnable close = () -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                registration.unregister();
                system.removeBundleListener(uninstalled[0]);
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped first
            }
            parked.values().forEach(ListenerHandover::closeQuietly);
            parked.clear();
        };
        uninstalled[0] = event -> {
            if (event.getType() == BundleEvent.UNINSTALLED && event.getBundle().getBundleId() == dispatcher) {
                close.run();
            }
        };
        system.addBundleListener(uninstalled[0]);
        CompletableFuture.delayedExecutor(UNCLAIMED_SECONDS, TimeUnit.SECONDS).execute(close);
    }

    /** Takes the parked sockets of the server named {@code server}, by address; empty for none. */
    static Map<String, ServerSocketChannel> claim(BundleContext context, String server) {
        Map<String, ServerSocketChannel> claimed = new HashMap<>();
        ServiceReference<?>[] references;
        try {
            references = context.getServiceReferences(Supplier.class.getName(), "(" + PROPERTY + "=true)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (references == null) {
            return claimed;
        }
        String prefix = server + "|";
        for (ServiceReference<?> reference : references) {
            Object service = context.getService(reference);
            if (service instanceof Supplier<?> supplier && supplier.get() instanceof Map<?, ?> parked) {
                for (Iterator<? extends Map.Entry<?, ?>> it = parked.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<?, ?> entry = it.next();
                    if (entry.getKey() instanceof String key && key.startsWith(prefix)
                            && entry.getValue() instanceof ServerSocketChannel channel) {
                        claimed.put(key, channel);
                        it.remove();
                    }
                }
            }
            context.ungetService(reference);
        }
        return claimed;
    }

    static void closeQuietly(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (java.io.IOException ignored) {
            // closing is all that was wanted
        }
    }
}
