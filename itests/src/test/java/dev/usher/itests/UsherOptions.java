package dev.usher.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The container every test class runs in: Felix with SCR, Config Admin and Felix Log, and the
 * Usher bundles, all provisioned from the files maven-dependency-plugin copies into
 * {@code target/bundles} (TOOLCHAIN gotcha 2). Evaluated in the JVM that starts the container.
 */
final class UsherOptions {

    /** The bundle symbolic names of the Usher bundles without the demo. */
    static final List<String> CORE_BUNDLES = List.of("dev.usher.api", "dev.usher.buffers", "dev.usher.http1",
            "dev.usher.config", "dev.usher.dispatcher");

    /** The demo bundle's symbolic name. */
    static final String DEMO_BUNDLE = "dev.usher.demo";

    private UsherOptions() {
    }

    /** Everything, the demo applications included. */
    static Option[] withDemo() {
        return build(true);
    }

    /** Everything but the demo: nothing is mounted until a test registers an application. */
    static Option[] withoutDemo() {
        return build(false);
    }

    /** Everything but the demo, with Felix's Metatype Service, which configuration forms read. */
    static Option[] withMetatype() {
        List<Option> options = new ArrayList<>(List.of(build(false)));
        options.add(bundleFile("org.apache.felix.metatype"));
        return options.toArray(Option[]::new);
    }

    /**
     * Everything but the demo, with the status bundle and Felix's Gogo runtime, whose
     * {@code CommandProcessor} runs the {@code usher:*} commands as a shell would.
     */
    static Option[] withStatus() {
        List<Option> options = new ArrayList<>(List.of(build(false)));
        options.add(bundleFile("org.apache.felix.gogo.runtime"));
        options.add(bundleFile("usher-status"));
        return options.toArray(Option[]::new);
    }

    /**
     * Everything but the demo, with the servlet whiteboard and Felix's servlet API bundle (the
     * Jakarta Servlet 5.0 and 6.0 packages).
     */
    static Option[] withServletWhiteboard() {
        List<Option> options = new ArrayList<>(List.of(build(false)));
        options.add(bundleFile("org.apache.felix.http.servlet-api"));
        options.add(bundleFile("usher-servlet"));
        return options.toArray(Option[]::new);
    }

    private static Option[] build(boolean demo) {
        List<Option> options = new ArrayList<>();
        // Never let the config bundle start a default server on 0.0.0.0:8080.
        options.add(frameworkProperty("usher.server.default").value("false"));
        // Felix Log keeps only WARN and worse by default; the tests want Usher's INFO lines.
        options.add(frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(workingDirectory(new File("target/paxexam").getAbsolutePath()));
        options.add(junitBundles());
        for (String name : List.of("org.osgi.util.function", "org.osgi.util.promise",
                "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
                "org.apache.felix.log", "usher-api", "usher-buffers", "usher-parser", "usher-config",
                "usher-dispatcher")) {
            options.add(bundleFile(name));
        }
        if (demo) {
            options.add(bundleFile("usher-demo"));
        }
        return options(options.toArray(Option[]::new));
    }

    private static Option bundleFile(String artifactId) {
        String folder = System.getProperty("usher.itest.bundles");
        if (folder == null) {
            throw new IllegalStateException("system property usher.itest.bundles is not set: run through failsafe "
                    + "(mvn -pl itests verify)");
        }
        File file = new File(folder, artifactId + ".jar");
        if (!file.isFile()) {
            throw new IllegalStateException(file + " is missing: maven-dependency-plugin copies it at "
                    + "pre-integration-test");
        }
        return bundle(file.toURI().toString());
    }
}
