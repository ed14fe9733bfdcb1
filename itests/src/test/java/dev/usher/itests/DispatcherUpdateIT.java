package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Updating Usher's own dispatcher bundle while clients keep connecting: the listening socket is
 * handed to the new dispatcher rather than closed, so no connection is refused and every
 * request gets its answer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DispatcherUpdateIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void updatingTheDispatcherKeepsTheListeningSocketOpen() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        Bundle dispatcher = bundle("dev.usher.dispatcher");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread client = new Thread(() -> {
            while (running.get()) {
                try {
                    ClientConnection.Response response = ClientConnection.get(port, "/");
                    if (response.status() == 200) {
                        answered.incrementAndGet();
                    } else {
                        failures.add("status " + response.status());
                    }
                } catch (ConnectException refused) {
                    failures.add("refused: " + refused.getMessage());
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        }, "dispatcher-update-client");
        client.start();
        try {
            for (int update = 1; update <= 3; update++) {
                int before = answered.get();
                dispatcher.update();
                assertEquals(Bundle.ACTIVE, dispatcher.getState());
                int floor = before;
                Await.condition("answers after update " + update, () -> answered.get() > floor + 20);
            }
        } finally {
            running.set(false);
            client.join(10_000);
        }
        assertTrue(failures.size() + " requests refused, reset or failed, first: "
                + failures.subList(0, Math.min(3, failures.size())), failures.isEmpty());
        assertTrue(!log.since(0, "Listening sockets kept open for the next dispatcher").isEmpty());
        assertHello(ClientConnection.get(port, "/"));
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
