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
 * Sets up, on a thread of its own, the JDK subsystems that every start needs later on its way to
 * serving, so that their one-time cost in a cold JVM (loading a few hundred JDK classes the JDK's
 * CDS archive does not hold, and initialising them) is paid on the second core while the main
 * thread checks the settings and another builds the framework ({@link PreparedFramework}), rather
 * than on the critical path:
 *
 * <ul>
 * <li>{@code java.lang.SecurityManager}, whose class initialisation walks every module's packages
 * (the framework's bundle class refers to it, so the framework's construction waits for it);
 * <li>{@code SecureRandom}, which Config Admin seeds as it starts (10-20 ms);
 * <li>a {@code WatchService}, which FileInstall watches {@code etc/} and {@code deploy/} with;
 * <li>the XML parser, with which SCR reads every bundle's component descriptions (50-120 ms);
 * <li>{@code java.time} formatting in the local time zone, which every console line uses (about 20 ms);
 * <li>NIO's selector and server socket channel, which the dispatcher listens with (about 20 ms).
 * </ul>
 *
 * Nothing here changes what the runtime does: the same classes would be set up anyway, only later
 * and on the thread waiting for them. A failure here is ignored; the real use reports its own.
 */
final class Warmup implements Runnable {

    private static final byte[] COMPONENT = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"warmup\">"
            + "<implementation class=\"warmup.Warmup\"/></scr:component>").getBytes(StandardCharsets.UTF_8);

    private Warmup() {
    }

    /** Starts the warm-up on a daemon thread. */
    static void start() {
        Thread thread = new Thread(new Warmup(), "usher-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            securityManager();
            random();
            watch();
            xml();
            time();
            nio();
        } catch (IOException | ReflectiveOperationException | ParserConfigurationException | SAXException
                | RuntimeException | LinkageError e) {
            // only a head start: whatever failed here is done again, and reported, where it is used
        }
    }

    private static void securityManager() throws ClassNotFoundException {
        Class.forName("java.lang.SecurityManager", true, null);
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
