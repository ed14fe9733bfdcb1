package dev.usher.servlet;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;

import org.osgi.service.log.Logger;

import dev.usher.servlet.WhiteboardService.ContextService;

/**
 * What the views of one context share, whichever bundle holds them: its attributes (with
 * {@code jakarta.servlet.context.tempdir}, a directory of its own, deleted with the context),
 * its listeners, its sessions and the defaults set through {@code ServletContext}.
 */
final class ContextState {

    private final ContextRuntime runtime;
    private final ContextService service;
    private final Sessions sessions;
    private final Logger log;
    private final ContextListeners listeners;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile int sessionTimeoutMinutes = -1;
    private volatile String requestEncoding;
    private volatile String responseEncoding;
    private final Path tempDirectory;

    /**
     * @param temporaries where its temporary directory is made: the whiteboard bundle's data area,
     *     which the framework removes with its storage; null for {@code java.io.tmpdir}
     */
    ContextState(ContextRuntime runtime, ContextService service, Sessions sessions, Logger log, Path temporaries) {
        this.runtime = runtime;
        this.service = service;
        this.sessions = sessions;
        this.log = log;
        this.listeners = new ContextListeners(log);
        this.tempDirectory = createTempDirectory(temporaries, service.name(), log);
        if (tempDirectory != null) {
            attributes.put(ServletContext.TEMPDIR, tempDirectory.toFile());
        }
    }

    /** The context's own temporary directory (Servlet 6.0, 4.8.1); null when none could be made. */
    private static Path createTempDirectory(Path temporaries, String name, Logger log) {
        try {
            if (temporaries == null) {
                return Files.createTempDirectory("usher-servlet-" + name + "-");
            }
            return Files.createTempDirectory(Files.createDirectories(temporaries), name + "-");
        } catch (IOException | SecurityException e) {
            log.warn("Context {}: no temporary directory ({})", name, e.toString());
            return null;
        }
    }

    /** Deletes the context's temporary directory and what its applications left there. */
    void deleteTempDirectory() {
        if (tempDirectory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(tempDirectory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.warn("Context {}: could not delete {} ({})", service.name(), tempDirectory, e.toString());
        }
    }

    ContextRuntime runtime() {
        return runtime;
    }

    ContextService service() {
        return service;
    }

    Sessions sessions() {
        return sessions;
    }

    Logger log() {
        return log;
    }

    ContextListeners listeners() {
        return listeners;
    }

    Map<String, Object> attributes() {
        return attributes;
    }

    /** The context's session timeout: its own if set through {@code ServletContext}, else the whiteboard's. */
    int sessionTimeoutMinutes() {
        int own = sessionTimeoutMinutes;
        return own >= 0 ? own : sessions.defaultTimeoutMinutes();
    }

    void sessionTimeoutMinutes(int minutes) {
        sessionTimeoutMinutes = minutes;
    }

    String requestEncoding() {
        return requestEncoding;
    }

    void requestEncoding(String encoding) {
        requestEncoding = checked(encoding);
    }

    String responseEncoding() {
        return responseEncoding;
    }

    void responseEncoding(String encoding) {
        responseEncoding = checked(encoding);
    }

    private static String checked(String encoding) {
        if (encoding != null) {
            Charset.forName(encoding);
        }
        return encoding;
    }

    /** Sets (null: removes) an attribute and tells the attribute listeners. */
    void setAttribute(jakarta.servlet.ServletContext source, String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("attribute name is null");
        }
        if (value == null) {
            removeAttribute(source, name);
            return;
        }
        Object old = attributes.put(name, value);
        if (!listeners.contextAttributes.isEmpty()) {
            ServletContextAttributeEvent event = new ServletContextAttributeEvent(source, name, old == null ? value : old);
            listeners.fire(listeners.contextAttributes, l -> {
                if (old == null) {
                    l.attributeAdded(event);
                } else {
                    l.attributeReplaced(event);
                }
            });
        }
    }

    void removeAttribute(jakarta.servlet.ServletContext source, String name) {
        Object old = attributes.remove(name);
        if (old != null && !listeners.contextAttributes.isEmpty()) {
            ServletContextAttributeEvent event = new ServletContextAttributeEvent(source, name, old);
            listeners.fire(listeners.contextAttributes, l -> l.attributeRemoved(event));
        }
    }
}
