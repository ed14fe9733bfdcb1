package dev.usher.runtime.control;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.log.Logger;

import dev.usher.runtime.options.OsSignals;


/**
 * The signals the control bundle handles while it is active (HUP, TTIN, TTOU); when it stops, the
 * handlers it replaced (the launcher's) are put back.
 */
final class ControlSignals implements AutoCloseable {

    private final Logger logger;
    private final Map<String, OsSignals.Installed> replaced = new LinkedHashMap<>();

    ControlSignals(Logger logger) {
        this.logger = logger;
    }

    /** Handles the signal {@code name} (e.g. {@code HUP}) with {@code action}, given the signal's lower-case name. */
    synchronized void handle(String name, java.util.function.Consumer<String> action) {
        try {
            OsSignals.Installed installed = OsSignals.handle(name, lower -> {
                try {
                    action.accept(lower);
                } catch (RuntimeException e) {
                    logger.error("Handling signal: {}: {}", lower, e.toString(), e);
                }
            });
            replaced.putIfAbsent(name, installed);
        } catch (IllegalArgumentException e) {
            logger.warn("Signal {} cannot be handled: {}", name, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        replaced.values().forEach(OsSignals.Installed::restore);
        replaced.clear();
    }
}
