package dev.usher.runtime.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Starts Felix with the bundles {@code usher.jar} embeds, as bnd's export describes them
 * ({@link LaunchProperties}), and waits for it to stop.
 *
 * <p>It does what bnd's launcher ({@code aQute.launcher}, which the export also puts into the jar)
 * did for this runtime, without what cost a cold start time and the runtime does not use: copying
 * the framework's and the launcher's jars out of {@code usher.jar} into temporary files (Felix's
 * classes are in the jar's root instead, on the class path), a {@code SecureRandom} for their
 * names, a security policy and Permission Admin set-up, the launcher's own property parsing, and
 * a refresh of the freshly installed bundles.
 *
 * <p>Every bundle is installed from the jar into a fresh framework storage, given its start
 * level (bundles installed later, from {@code deploy/}, get {@link LaunchProperties#defaultStartLevel()}),
 * and marked started; {@link Framework#start()} then rises through the start levels, starting each
 * level's bundles in turn, and returns when the beginning start level is reached, that is when
 * Usher serves. {@link PreparedFramework} does all but that start while the main thread checks
 * the settings.
 */
final class FrameworkLauncher {

    /** FileInstall's framework property naming where it makes its temporary directory. */
    static final String FILEINSTALL_TMPDIR = "felix.fileinstall.tmpdir";

    private FrameworkLauncher() {
    }

    /** The framework, not started yet, with its storage in {@code storage}. */
    static Framework create(LaunchProperties launch, Path storage, ClassLoader jar) throws BundleException {
        Map<String, String> config = launch.frameworkProperties();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        // FileInstall's own temporary directory (fileinstall-*), in java.io.tmpdir by default,
        // which it never removes: inside the storage, it goes when the storage is deleted at exit
        config.putIfAbsent(FILEINSTALL_TMPDIR, storage.toString());
        String extra = launch.systemPackagesExtra();
        if (extra != null) {
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, extra);
        }
        // As bnd's launcher did: the run properties are system properties too, unless set already.
        config.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, jar).findFirst()
                .orElseThrow(() -> new BundleException("no OSGi framework in the class path"));
        return factory.newFramework(config);
    }

    /**
     * Initialises the framework and installs the bundles, marked to start at their start levels,
     * and resolves them; {@link Framework#start()} then starts them.
     */
    static void install(Framework framework, LaunchProperties launch, ClassLoader jar) throws BundleException, IOException {
        framework.init();
        framework.adapt(FrameworkStartLevel.class).setInitialBundleStartLevel(launch.defaultStartLevel());
        Map<String, Integer> levels = launch.startLevels();
        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        for (String path : launch.bundles()) {
            try (InputStream in = jar.getResourceAsStream(path)) {
                if (in == null) {
                    throw new BundleException("no " + path + " in the jar");
                }
                Bundle bundle = context.installBundle(path, in);
                Integer level = levels.get(LaunchProperties.key(bundle.getSymbolicName(), bundle.getVersion()));
                if (level != null) {
                    bundle.adapt(BundleStartLevel.class).setStartLevel(level);
                }
                bundles.add(bundle);
            }
        }
        for (Bundle bundle : bundles) {
            if ((bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                bundle.start(Bundle.START_ACTIVATION_POLICY); // persistent: starts when its level is reached
            }
        }
        // Resolved all at once (one resolver run rather than one per start level), so that their
        // classes can be loaded ahead of the start-level thread.
        framework.adapt(FrameworkWiring.class).resolveBundles(bundles);
        BundlePreloader.start(framework, bundles);
    }

    /**
     * Waits for the framework to stop; returns the exit status: 0 when it stopped (a signal's
     * {@code System.exit} stops it through the console bundle's hook, and this status is then
     * ignored), 1 after an error or when {@code timeoutMillis} (not 0) passed first.
     */
    static int awaitStop(Framework framework, long timeoutMillis) throws InterruptedException {
        FrameworkEvent event = framework.waitForStop(timeoutMillis);
        switch (event.getType()) {
            case FrameworkEvent.WAIT_TIMEDOUT:
                ConsoleLine.warn("launch.timeout: still running after " + timeoutMillis + " ms; stopping");
                return 1;
            case FrameworkEvent.ERROR:
                ConsoleLine.error("The framework stopped with an error: " + event.getThrowable());
                return 1;
            default:
                return 0;
        }
    }
}
