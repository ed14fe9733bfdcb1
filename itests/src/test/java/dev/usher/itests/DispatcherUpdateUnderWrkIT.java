package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The measurement of a dispatcher update under load: {@code wrk -t1 -c64} keep-alive
 * clients while the dispatcher bundle is updated twice. The old dispatcher drains (each busy
 * connection's next answer says {@code Connection: close}), the listening socket waits for the
 * new one, and wrk sees no read, write or connect error and no non-2xx answer. Skipped where
 * {@code wrk} is not installed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DispatcherUpdateUnderWrkIT extends UsherTestSupport {

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void wrkSeesNoErrorAcrossDispatcherUpdates() throws Exception {
        Assume.assumeTrue("wrk is not installed", wrkInstalled());
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        AtomicLong answered = new AtomicLong();
        // a hello that counts what it answers, so the updates come under load; it outlives the updates
        byte[] hello = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        registerApplication((request, response) -> {
            answered.incrementAndGet();
            response.contentLength(hello.length);
            response.body().write(hello);
        }, properties("usher.mount", "/counted"));
        Await.condition("the counting application to answer",
                () -> ClientConnection.get(port, "/counted").status() == 200 && answered.get() > 0);
        Bundle dispatcher = bundle("dev.usher.dispatcher");

        File report = File.createTempFile("wrk", ".txt");
        Process wrk = new ProcessBuilder("wrk", "-t1", "-c64", "-d8s", "http://127.0.0.1:" + port + "/counted")
                .redirectErrorStream(true).redirectOutput(report).start();
        try {
            for (int update = 1; update <= 2; update++) {
                long before = answered.get();
                Await.condition("wrk to be answered before update " + update, () -> answered.get() > before + 5000);
                dispatcher.update();
                assertEquals(Bundle.ACTIVE, dispatcher.getState());
            }
            long after = answered.get();
            Await.condition("wrk to be answered after the updates", () -> answered.get() > after + 5000);
            assertTrue("wrk did not end", wrk.waitFor(60, TimeUnit.SECONDS));
            String text = Files.readString(report.toPath(), StandardCharsets.UTF_8);
            System.out.println("dispatcher updated twice under wrk -t1 -c64 -d8s:\n" + text);
            Matcher requests = REQUESTS.matcher(text);
            assertTrue(text, requests.find() && Long.parseLong(requests.group(1)) > 0);
            assertTrue("wrk saw errors:\n" + text, !text.contains("Socket errors") && !text.contains("Non-2xx"));
        } finally {
            wrk.destroyForcibly();
            report.delete();
        }
    }

    private static boolean wrkInstalled() {
        try {
            Process probe = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
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
