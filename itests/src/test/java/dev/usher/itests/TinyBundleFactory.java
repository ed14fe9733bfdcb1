package dev.usher.itests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.ops4j.pax.tinybundles.TinyBundles;

import dev.usher.itests.tiny.TinyApplication;

/**
 * Builds, with pax-tinybundles' raw builder, versions of an application bundle: one class,
 * {@link TinyApplication}, and a Declarative Services component description (no bnd, no
 * activator) mounting it at a path with the answer of that version. Runs where the container is
 * configured (the driver side of pax-exam), where tinybundles is on the class path; the jars
 * are written to files the test in the container installs and updates from.
 */
final class TinyBundleFactory {

    /** The symbolic name of the built bundles. */
    static final String SYMBOLIC_NAME = "dev.usher.itests.tiny";

    private TinyBundleFactory() {
    }

    /**
     * Writes {@code folder/tiny-ANSWER.jar} for each answer: version {@code 1.0.N} (N its
     * position), the application mounted at {@code mount}, answering {@code ANSWER}.
     */
    static void write(Path folder, String mount, String... answers) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < answers.length; i++) {
            try (InputStream jar = build(mount, answers[i], "1.0." + (i + 1))) {
                Files.copy(jar, folder.resolve(fileName(answers[i])), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The file name {@link #write} gives the version answering {@code answer}. */
    static String fileName(String answer) {
        return "tiny-" + answer + ".jar";
    }

    private static InputStream build(String mount, String answer, String version) {
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" activate="activate">
                  <implementation class="%s"/>
                  <service>
                    <provide interface="dev.usher.api.HttpApplication"/>
                  </service>
                  <property name="usher.mount" type="String" value="%s"/>
                  <property name="%s" type="String" value="%s"/>
                </scr:component>
                """.formatted(SYMBOLIC_NAME, TinyApplication.class.getName(), mount, TinyApplication.ANSWER,
                answer);
        return TinyBundles.bundle()
                .setHeader("Bundle-ManifestVersion", "2")
                .symbolicName(SYMBOLIC_NAME)
                .setHeader("Bundle-Version", version)
                .setHeader("Import-Package", "dev.usher.api")
                .setHeader("Service-Component", "OSGI-INF/tiny.xml")
                .addClass(TinyApplication.class)
                .addResource("OSGI-INF/tiny.xml",
                        new ByteArrayInputStream(component.getBytes(StandardCharsets.UTF_8)))
                .build(TinyBundles.rawBuilder());
    }
}
