package dev.usher.runtime.launch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Sets up the JDK subsystems that every start needs later on its way to serving, on the main
 * thread while it would otherwise wait for the framework to be built ({@link PreparedFramework}),
 * so that their one-time cost in a cold JVM (loading a few hundred JDK classes the JDK's CDS
 * archive does not hold, and initialising them) is not paid on the start-level thread, where each
 * would hold up the start:
 *
 * <ul>
 * <li>{@code SecureRandom}, which Config Admin seeds as it starts (10-20 ms);
 * <li>a {@code WatchService}, which FileInstall watches {@code etc/} and {@code deploy/} with;
 * <li>the XML parser, with which SCR reads every bundle's component descriptions (50-120 ms);
 * <li>{@code java.time} formatting in the local time zone, which every console line uses (about 20 ms);
 * <li>NIO's selector and server socket channel, which the dispatcher listens with (about 20 ms).
 * </ul>
 *
 * Not on a thread of its own from the start: on two cores, a third busy thread (beside the main
 * thread checking the settings, the framework's and the JIT compiler's) slowed the framework's
 * construction, the critical path, by about as much as it saved later.
 *
 * <p>Nothing here changes what the runtime does: the same classes would be set up anyway, only
 * later and on a thread waiting for them. A failure here is ignored; the real use reports its own.
 */
final class Warmup {

    private static final byte[] COMPONENT = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"warmup\">"
            + "<implementation class=\"warmup.Warmup\"/></scr:component>").getBytes(StandardCharsets.UTF_8);

    private Warmup() {
    }

    /** Sets them up, in the order the start levels need them; returns when done. */
    static void run() {
        attempt(Warmup::random);
        attempt(Warmup::watch);
        attempt(Warmup::xml);
        attempt(Warmup::time);
        attempt(Warmup::nio);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(Step step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            // only a head start: whatever failed here is done again, and reported, where it is used
        }
    }

    /** As Config Admin makes its random numbers. */
    private static void random() {
        new SecureRandom().nextInt();
    }

    /** As FileInstall watches a directory (here the temporary directory, for an instant). */
    private static void watch() throws IOException {
        Path directory = Path.of(System.getProperty("java.io.tmpdir"));
        try (WatchService watcher = directory.getFileSystem().newWatchService()) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE).cancel();
            watcher.poll();
        }
    }

    /** As SCR parses a component description: a namespace-aware SAX parser of the default factory. */
    private static void xml() throws ParserConfigurationException, SAXException, IOException {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.newSAXParser().parse(new ByteArrayInputStream(COMPONENT), new DefaultHandler());
    }

    /** As the console formats a line's time. */
    private static void time() {
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault())
                .format(Instant.now());
    }

    /** As the dispatcher listens: a selector and a (never bound) server socket channel registered with it. */
    private static void nio() throws IOException {
        try (Selector selector = Selector.open(); ServerSocketChannel channel = ServerSocketChannel.open()) {
            channel.configureBlocking(false);
            channel.register(selector, 0);
            selector.selectNow();
        }
    }
}
