package dev.usher.servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceObjects;
import org.osgi.service.log.Logger;

/**
 * Gets and gives back whiteboard services' objects through {@code ServiceObjects}, so that a
 * prototype-scoped servlet gets an instance per context, as chapter 140 asks.
 */
final class ServiceInstances {

    private ServiceInstances() {
    }

    /** An instance of {@code member}'s service; null when it cannot be had (logged). */
    @SuppressWarnings("unchecked")
    static <S> S get(BundleContext whiteboard, WhiteboardService member, Logger log) {
        ServiceObjects<S> objects = (ServiceObjects<S>) whiteboard.getServiceObjects(member.reference());
        try {
            return objects == null ? null : objects.getService();
        } catch (RuntimeException e) {
            log.error("Service {} cannot be got", member.id(), e);
            return null;
        }
    }

    /** Gives {@code instance} back; nothing when the service or the whiteboard's bundle is gone. */
    @SuppressWarnings("unchecked")
    static <S> void unget(BundleContext whiteboard, WhiteboardService member, S instance) {
        ServiceObjects<S> objects = (ServiceObjects<S>) whiteboard.getServiceObjects(member.reference());
        if (objects != null) {
            try {
                objects.ungetService(instance);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // gone already: nothing left to give back
            }
        }
    }
}
