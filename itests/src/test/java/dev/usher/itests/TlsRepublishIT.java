package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * HUP's path through Config Admin: the runtime writes every configuration anew, and the config
 * bundle publishes a TLS server's settings again although they are equal, so that the server
 * reads its certificate files anew; a plain server's equal settings are not published again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TlsRepublishIT extends UsherTestSupport {

    private static final String REVISION = "usher.server.revision";

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withoutDemo();
    }

    @Test
    public void equalTlsSettingsWrittenAgainArePublishedAgainAndEqualPlainOnesAreNot() throws Exception {
        // the files need not exist for the settings to be published: the server reports them
        int[] ports = freePorts(2);
        String[] tlsSettings = {"listen", "127.0.0.1:" + ports[0], "certfile", "/nonexistent/server.pem",
            "keyfile", "/nonexistent/server.key"};
        String[] plainSettings = {"listen", "127.0.0.1:" + ports[1]};
        org.osgi.service.cm.Configuration tls = configureNamedServer("tls", tlsSettings);
        org.osgi.service.cm.Configuration plain = configureNamedServer("plain", plainSettings);
        long tlsFirst = awaitRevision("tls", 0);
        long plainFirst = awaitRevision("plain", 0);

        plain.update(properties(plainSettings));
        tls.update(properties(tlsSettings));
        // Config Admin hands a factory's updates over in order: when the second is seen, the first was too
        awaitRevision("tls", tlsFirst + 1);
        assertEquals("the plain server's equal settings are not published again", plainFirst, revision("plain"));
    }

    /** Waits until server {@code name}'s settings are published with at least {@code atLeast}. */
    private long awaitRevision(String name, long atLeast) {
        return Await.until("revision " + atLeast + " of server " + name, () -> {
            Long revision = revisionOrNull(name);
            return revision != null && revision >= atLeast ? revision : null;
        });
    }

    private long revision(String name) throws Exception {
        return revisionOrNull(name);
    }

    private Long revisionOrNull(String name) {
        try {
            for (ServiceReference<?> reference : serverSettings()) {
                if (name.equals(reference.getProperty("usher.server.name"))) {
                    return (Long) reference.getProperty(REVISION);
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
