package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import java.time.Duration;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * A dispatcher that stops without coming back gives its port up: clients are refused promptly
 * instead of waiting in a backlog nobody will accept from. Sockets kept for an update wait a few
 * seconds for the next dispatcher; an uninstalled one closes them at once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DispatcherGoneIT extends UsherTestSupport {

    /** The handover's wait for a dispatcher to claim the sockets, and some slack for a slow machine. */
    private static final Duration UNCLAIMED = Duration.ofSeconds(5 + 5);

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void aStoppedDispatcherRefusesClientsSoonAndAnUninstalledOneAtOnce() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        Bundle dispatcher = bundle("dev.usher.dispatcher");

        dispatcher.stop();
        Await.condition("127.0.0.1:" + port + " to refuse connections once no dispatcher claimed it", UNCLAIMED,
                () -> ClientConnection.refuses(port));

        dispatcher.start();
        assertHello(awaitAnswer(port, "/"));

        long start = System.nanoTime();
        dispatcher.uninstall();
        assertEquals(Bundle.UNINSTALLED, dispatcher.getState());
        Await.condition("127.0.0.1:" + port + " to refuse connections once the dispatcher is uninstalled",
                Duration.ofSeconds(15), () -> ClientConnection.refuses(port));
        long waited = System.nanoTime() - start;
        // the sockets were closed by the uninstall, not by the handover's timeout
        assertEquals("refused within the handover's wait", true, waited < Duration.ofSeconds(4).toNanos());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().equals(symbolicName)) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " not installed");
    }
}
