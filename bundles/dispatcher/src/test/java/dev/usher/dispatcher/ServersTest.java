package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.LoggerFactory;

import dev.usher.config.Adjustments;
import dev.usher.config.ServerSettings;

/**
 * The whiteboard of server settings: a settings service bound twice (SCR can, when one is
 * registered while the component activates) is one server, not a second one on its addresses.
 */
class ServersTest {

    private final RecordingLogger log = new RecordingLogger();

    /** A bundle context outside OSGi: no properties, no services. */
    private static BundleContext emptyContext() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> null);
    }

    private LoggerFactory loggers() {
        return (LoggerFactory) Proxy.newProxyInstance(LoggerFactory.class.getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, method, args) -> log.logger);
    }

    private static ServerSettings settings(String name, Adjustments adjustments) {
        return new ServerSettings() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Adjustments adjustments() {
                return adjustments;
            }
        };
    }

    @Test
    void settingsBoundTwiceAreOneServer() throws Exception {
        Servers servers = new Servers(emptyContext(), loggers());
        ServerSettings settings = settings("twice", Adjustments.parse(Map.of("listen", "127.0.0.1:0", "workers", 1)));
        servers.addSettings(settings);
        servers.addSettings(settings);
        try {
            assertEquals(1, log.lines.stream().filter(line -> line.contains("Serving on")).count(), log.lines::toString);
            assertEquals(0, log.lines.stream().filter(line -> line.startsWith("ERROR")).count(), log.lines::toString);
        } finally {
            servers.removeSettings(settings);
        }
        assertEquals(1, log.lines.stream().filter(line -> line.contains("Server twice stopped")).count(),
                log.lines::toString);
    }
}
