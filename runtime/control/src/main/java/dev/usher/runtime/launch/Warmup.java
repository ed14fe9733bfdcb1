package dev.usher.runtime.launch;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
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
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Sets up, on a thread of its own, the JDK subsystems that every start needs later on its way to
 * serving, so that their one-time cost in a cold JVM (loading a few hundred JDK classes the JDK's
 * CDS archive does not hold, and initialising them) is paid on the second core while the main
 * thread parses the command line and builds the framework, rather than on the critical path:
 *
 * <ul>
 * <li>the framework's own classes (Felix's, in {@code usher.jar}), loaded but not initialised,
 * which the main thread needs right after the command line;
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

    /** Where Felix's classes are in {@code usher.jar}. */
    private static final String FRAMEWORK_CLASSES = "org/apache/felix/";

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
            framework();
            random();
            watch();
            xml();
            time();
            nio();
        } catch (IOException | ParserConfigurationException | SAXException | RuntimeException | LinkageError e) {
            // only a head start: whatever failed here is done again, and reported, where it is used
        }
    }

    /**
     * Loads every class of the framework in {@code usher.jar} without initialising it (so no
     * static initialiser runs out of its order). The main thread, asking for one of them
     * meanwhile, waits for that one class, not for this loop.
     */
    private static void framework() throws IOException {
        ClassLoader loader = Warmup.class.getClassLoader();
        URL location = Warmup.class.getProtectionDomain().getCodeSource().getLocation();
        if (!"file".equals(location.getProtocol()) || !location.getPath().endsWith(".jar")) {
            return; // not run from the jar (a test's class path)
        }
        try (JarFile jar = new JarFile(new File(URI.create(location.toString())))) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.startsWith(FRAMEWORK_CLASSES) && name.endsWith(".class")) {
                    load(name.substring(0, name.length() - ".class".length()).replace('/', '.'), loader);
                }
            }
        }
    }

    private static void load(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // a class of an optional feature: loaded, if ever, where it is used
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
