package dev.usher.servlet;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.HttpServiceRuntimeConstants;
import org.osgi.service.servlet.runtime.dto.RequestInfoDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;

/**
 * The {@code HttpServiceRuntime} service (Compendium 140.9): the whiteboard's state as DTOs,
 * its endpoints ({@code osgi.http.endpoint}, the URLs Usher's servers listen on) and
 * {@code service.changecount}, raised on every change of what it serves. Its properties are
 * also what {@code osgi.http.whiteboard.target} filters are matched against.
 */
final class RuntimeService implements HttpServiceRuntime {

    private final Supplier<List<String>> endpoints;
    private Whiteboard whiteboard;
    private ServiceRegistration<HttpServiceRuntime> registration;
    private final Hashtable<String, Object> properties = new Hashtable<>();
    private long changeCount;

    /** @param endpoints the URLs the servers listen on, asked whenever the properties are refreshed */
    RuntimeService(Supplier<List<String>> endpoints) {
        this.endpoints = endpoints;
    }

    /** Registers the service; the whiteboard's DTOs come from {@code whiteboard}. */
    synchronized void register(BundleContext context, Whiteboard whiteboard) {
        this.whiteboard = whiteboard;
        properties.put(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT, endpoints.get().toArray(String[]::new));
        properties.put(Constants.SERVICE_CHANGECOUNT, changeCount);
        registration = context.registerService(HttpServiceRuntime.class, this, (Dictionary<String, Object>) properties);
    }

    synchronized void unregister() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // the framework took it down already
            }
            registration = null;
        }
    }

    /** The service's properties as registered (with its id), for target filters. */
    synchronized Map<String, Object> properties() {
        Map<String, Object> all = new HashMap<>();
        if (registration != null) {
            try {
                ServiceReference<HttpServiceRuntime> reference = registration.getReference();
                for (String key : reference.getPropertyKeys()) {
                    all.put(key, reference.getProperty(key));
                }
                return all;
            } catch (IllegalStateException e) {
                // unregistered meanwhile: fall back to what it was given
            }
        }
        all.putAll(properties);
        return all;
    }

    /**
     * What it serves changed: a new change count, and the endpoints as they are now.
     *
     * @return whether the endpoints moved, as {@link #refresh()}
     */
    synchronized boolean changed() {
        changeCount++;
        return refresh();
    }

    /**
     * Reads the endpoints again and republishes the properties if they moved (a server rebound).
     *
     * @return whether the endpoints moved: the {@code osgi.http.whiteboard.target} filters must
     *     be matched again
     */
    synchronized boolean refresh() {
        if (registration == null) {
            return false;
        }
        String[] now = endpoints.get().toArray(String[]::new);
        boolean moved = !java.util.Arrays.equals(now, (String[]) properties.get(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT));
        boolean counted = !Long.valueOf(changeCount).equals(properties.get(Constants.SERVICE_CHANGECOUNT));
        if (moved || counted) {
            properties.put(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT, now);
            properties.put(Constants.SERVICE_CHANGECOUNT, changeCount);
            try {
                registration.setProperties(properties);
            } catch (IllegalStateException e) {
                // unregistered meanwhile
            }
        }
        return moved;
    }

    @Override
    public RuntimeDTO getRuntimeDTO() {
        ServiceReference<HttpServiceRuntime> reference;
        synchronized (this) {
            reference = registration == null ? null : registration.getReference();
        }
        return whiteboard.read(view -> RuntimeDtos.runtime(view, reference));
    }

    @Override
    public RequestInfoDTO calculateRequestInfoDTO(String path) {
        return whiteboard.read(view -> RuntimeDtos.requestInfo(view, path));
    }
}
