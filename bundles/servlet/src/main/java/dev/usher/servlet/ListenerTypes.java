package dev.usher.servlet;

import java.util.List;

import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

/** The listener interfaces the whiteboard supports (Compendium 140.7), by name. */
final class ListenerTypes {

    /** The interfaces a listener service may be registered as. */
    static final List<String> NAMES = List.of(ServletContextListener.class.getName(),
            ServletContextAttributeListener.class.getName(), ServletRequestListener.class.getName(),
            ServletRequestAttributeListener.class.getName(), HttpSessionListener.class.getName(),
            HttpSessionAttributeListener.class.getName(), HttpSessionIdListener.class.getName());

    private ListenerTypes() {
    }
}
