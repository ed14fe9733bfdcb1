package dev.usher.runtime.launch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Loads the classes of the resolved bundles, in start-level order, on a thread of its own while the
 * framework's start-level thread starts them: that thread then finds most classes its bundles'
 * activators and components need already defined instead of reading, defining and verifying
 * each in turn (several hundred classes, a good part of a cold start).
 *
 * <p>Classes are loaded, not initialised: no static initialiser runs earlier or on another thread
 * than it would have, and loading has no other effect on a bundle. Bundles with a lazy activation
 * policy are left alone, since loading one of their classes would start them. A class that cannot
 * be loaded (it needs an optional package that is absent) is skipped; whoever really needs it gets
 * the error.
 *
 * <p>The classes are found with {@link Bundle#getEntryPaths}, which reads the bundle's content
 * only, not with {@code BundleWiring.listResources}: that holds the wiring's lock while it takes the
 * revision's, the reverse of what Felix does while it stops a bundle, and a stop during the start
 * (bad settings, a TERM) then deadlocked the two. And loading ends as soon as the framework stops.
 */
final class BundlePreloader implements Runnable {

    private final Framework framework;
    private final List<Bundle> bundles;

    private BundlePreloader(Framework framework, List<Bundle> bundles) {
        this.framework = framework;
        this.bundles = bundles;
    }

    /** Starts loading the classes of {@code bundles} (resolved ones; the others are skipped). */
    static void start(Framework framework, List<Bundle> bundles) {
        List<Bundle> ordered = new ArrayList<>(bundles);
        ordered.sort(Comparator.comparingInt(BundlePreloader::startLevel)); // stable: install order within a level
        Thread thread = new Thread(new BundlePreloader(framework, ordered), "usher-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static int startLevel(Bundle bundle) {
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        return level == null ? Integer.MAX_VALUE : level.getStartLevel();
    }

    @Override
    public void run() {
        try {
            for (Bundle bundle : bundles) {
                if ((bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0
                        && bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY) == null) {
                    load(bundle, "/");
                }
            }
        } catch (IllegalStateException stopped) {
            // the framework stopped meanwhile
        }
    }

    /** Loads the classes under {@code directory} of the bundle's content. */
    private void load(Bundle bundle, String directory) {
        Enumeration<String> paths = bundle.getEntryPaths(directory);
        while (paths != null && paths.hasMoreElements()) {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
                throw new IllegalStateException("the framework is stopping");
            }
            String path = paths.nextElement();
            if (path.endsWith("/")) {
                if (!path.startsWith("META-INF/") && !path.startsWith("OSGI-INF/")) {
                    load(bundle, path);
                }
            } else if (path.endsWith(".class") && !path.endsWith("module-info.class")
                    && !path.endsWith("package-info.class")) {
                try {
                    bundle.loadClass(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
                } catch (ClassNotFoundException | LinkageError e) {
                    // optional: loaded, if ever, where it is used
                }
            }
        }
    }
}
