package dev.usher.runtime.launch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleWiring;

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
 */
final class BundlePreloader implements Runnable {

    private final List<Bundle> bundles;

    private BundlePreloader(List<Bundle> bundles) {
        this.bundles = bundles;
    }

    /** Starts loading the classes of {@code bundles} (resolved ones; the others are skipped). */
    static void start(List<Bundle> bundles) {
        List<Bundle> ordered = new ArrayList<>(bundles);
        ordered.sort(Comparator.comparingInt(BundlePreloader::startLevel)); // stable: install order within a level
        Thread thread = new Thread(new BundlePreloader(ordered), "usher-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static int startLevel(Bundle bundle) {
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        return level == null ? Integer.MAX_VALUE : level.getStartLevel();
    }

    @Override
    public void run() {
        for (Bundle bundle : bundles) {
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (wiring == null || bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY) != null) {
                continue;
            }
            for (String resource : wiring.listResources("/", "*.class",
                    BundleWiring.LISTRESOURCES_RECURSE | BundleWiring.LISTRESOURCES_LOCAL)) {
                String name = resource.substring(0, resource.length() - ".class".length()).replace('/', '.');
                if (name.endsWith("module-info") || name.endsWith("package-info") || name.startsWith("META-INF.")) {
                    continue;
                }
                try {
                    bundle.loadClass(name);
                } catch (ClassNotFoundException | LinkageError | IllegalStateException e) {
                    // optional, or the bundle went away: loaded, if ever, where it is used
                }
            }
        }
    }
}
