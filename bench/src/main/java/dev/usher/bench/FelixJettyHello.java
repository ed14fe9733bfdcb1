package dev.usher.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The servlet yardstick: Apache Felix HTTP Jetty 12, the OSGi Whiteboard for Jakarta Servlet as
 * OSGi users run it, serving the {@code usher-demo-servlet} bundle ({@code GET /servlet/hello}
 * answers the same bytes as Usher's demo hello). Usage: {@code java -jar felix-jetty-hello.jar PORT}.
 *
 * <p>It starts an Apache Felix framework in a fresh temporary storage directory, installs every
 * bundle packed into this jar under {@code bundles/} (SCR and its APIs, Felix's servlet API,
 * Felix HTTP Jetty with what it imports, the demo servlets; the pom copies them there) and starts
 * them. Jetty is configured through framework properties, with Felix HTTP Jetty's defaults but
 * these: HTTP on {@code 127.0.0.1:PORT} (loopback, as the other yardsticks) and no request log
 * (already its default; said here so that the comparison does not hang on a default). A
 * {@code -Dname=value} on the java command line overrides any of them, and sets any other Felix
 * HTTP property (Felix reads framework properties through to system properties).
 *
 * <p>Threads: Felix HTTP Jetty's default {@code org.apache.felix.http.jetty.threadpool.max=-1}
 * gives Jetty's own default pool, a {@code QueuedThreadPool} of 8 to 200 threads (the plain Jetty
 * yardstick, {@link JettyHello}, caps it at 16), and {@code acceptors} and {@code selectors} of -1
 * Jetty's defaults for the machine: one acceptor and one selector on 2 cores.
 *
 * <p>SIGTERM (or Ctrl-C) stops the framework, Jetty with it, and deletes the storage.
 */
public final class FelixJettyHello {

    /** Where the pom puts the bundles in this jar (or in {@code target/classes}). */
    private static final String BUNDLES = "bundles";

    /** pax-logging-api's level for its console logger (it has no backend here). */
    private static final String PAX_LOG_LEVEL = "org.ops4j.pax.logging.DefaultServiceLog.level";

    private FelixJettyHello() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].matches("[0-9]{1,5}")) {
            System.err.println("usage: java -jar felix-jetty-hello.jar PORT");
            System.exit(2);
        }
        // pax-logging-api, which stands for SLF4J here, prints Jetty's and Felix HTTP's lines to
        // standard output at this level and above: INFO is a few lines at start (among them
        // Felix's "Started Jetty ... [minThreads=8,maxThreads=200,...]") and nothing per request;
        // its default, DEBUG, would be thousands of lines per second under load. It reads the
        // level once, from the system properties only, so it cannot be a framework property.
        if (System.getProperty(PAX_LOG_LEVEL) == null) {
            System.setProperty(PAX_LOG_LEVEL, "INFO");
        }
        Path storage = Files.createTempDirectory("felix-jetty-hello-");
        Framework framework = newFramework(properties(args[0], storage));
        // Registered before anything starts, so that a signal at any point still stops the
        // framework (Jetty's threads are not daemons) and removes the storage.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework, storage), "felix-jetty-hello-stop"));
        try {
            framework.init();
            List<Bundle> bundles = install(framework.getBundleContext());
            framework.start();
            for (Bundle bundle : bundles) {
                if ((bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                    // Throws, naming the missing requirement, when a bundle does not resolve.
                    bundle.start();
                }
            }
            System.out.println("felix-jetty-hello: " + bundles.size() + " bundles started, HTTP on 127.0.0.1:" + args[0]);
        } catch (BundleException | RuntimeException e) {
            System.err.println("felix-jetty-hello: " + e.getMessage());
            System.exit(1);
        }
        framework.waitForStop(0);
        System.exit(0);
    }

    /**
     * The framework properties; a system property of the same name wins, as a property Felix does
     * not find here is read from the system properties anyway.
     */
    private static Map<String, String> properties(String port, Path storage) {
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put("org.osgi.service.http.port", port);
        properties.put("org.apache.felix.http.host", "127.0.0.1");
        properties.put("org.apache.felix.http.requestlog.osgi.enable", "false");
        // The framework itself prints errors only.
        properties.put("felix.log.level", "1");
        properties.replaceAll((name, value) -> System.getProperty(name, value));
        return properties;
    }

    private static Framework newFramework(Map<String, String> properties) throws BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new BundleException("no OSGi framework on the class path"));
        return factory.newFramework(properties);
    }

    /** Installs the bundles found under {@link #BUNDLES}, in name order (it does not matter). */
    private static List<Bundle> install(BundleContext context) throws BundleException, IOException, URISyntaxException {
        Path location = Path.of(FelixJettyHello.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Bundle> bundles = new ArrayList<>();
        // From target/classes when run from the IDE, from the jar's root otherwise.
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
                Stream<Path> files = Files.list(jar == null ? location.resolve(BUNDLES) : jar.getPath("/" + BUNDLES))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    bundles.add(context.installBundle(BUNDLES + "/" + file.getFileName(), in));
                }
            }
        }
        if (bundles.isEmpty()) {
            throw new BundleException("no bundles under " + BUNDLES + "/ in " + location);
        }
        return bundles;
    }

    /** Stops the framework (Jetty stops with its bundle) and deletes its storage; at most 30 s. */
    private static void stop(Framework framework, Path storage) {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException e) {
            System.err.println("felix-jetty-hello: stopping: " + e);
        } finally {
            delete(storage);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("felix-jetty-hello: could not delete " + directory + ": " + e);
        }
    }
}
