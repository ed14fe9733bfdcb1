package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

import dev.usher.buffers.BufferPool;
import dev.usher.config.TlsSettings;

/**
 * Keeps a TLS server's {@link TlsContext} current without a restart: the files are checked every
 * {@value #CHECK_MILLIS} ms and loaded anew once they changed and then stayed unchanged for a
 * check (so a certificate and key replaced one after the other are read as a pair); new settings
 * load at once. New handshakes use the new context, open connections keep theirs. Files that
 * do not load (unreadable, not PEM, a key that does not match) are logged with the file's name,
 * once, and the server goes on with what it had, watching the files it was given until they do.
 */
final class CertificateWatch {

    /** How often the files are looked at. */
    static final long CHECK_MILLIS = 1000;

    /** What a file looked like: a change of any part is a new file (a rename over it changes the key). */
    private record FileStamp(Path path, FileTime modified, long size, Object key) {

        static FileStamp of(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new FileStamp(path, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (NoSuchFileException e) {
                return new FileStamp(path, null, -1, null);
            } catch (IOException e) {
                return new FileStamp(path, null, -2, null);
            }
        }
    }

    private final String server;
    private final Logger logger;
    private final BufferPool plaintext;
    private final ScheduledFuture<?> checks;
    private volatile TlsContext current;
    /**
     * The settings whose files are watched: {@link #current}'s, or newer ones that did not load
     * yet (once their files are fixed, they load). Guarded by this.
     */
    private TlsSettings wanted;
    /** The files as they were when {@link #current} was loaded. Guarded by this. */
    private List<FileStamp> loaded;
    /** The files at the last check; guarded by this. */
    private List<FileStamp> lastSeen;
    /** The files as they were when loading them last failed, not to log that again; guarded by this. */
    private List<FileStamp> failed;

    private CertificateWatch(String server, TlsContext first, List<FileStamp> stamps, Logger logger,
            BufferPool plaintext, ScheduledExecutorService timer) {
        this.server = server;
        this.logger = logger;
        this.plaintext = plaintext;
        this.current = first;
        this.wanted = first.settings();
        this.loaded = stamps;
        this.lastSeen = stamps;
        this.checks = timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads the files {@code settings} names and watches them.
     *
     * @throws IOException naming the file or setting that could not be used: the server cannot
     *     speak TLS without them
     */
    static CertificateWatch start(String server, TlsSettings settings, Logger logger, BufferPool plaintext,
            ScheduledExecutorService timer) throws IOException {
        List<FileStamp> stamps = stamps(settings);
        TlsContext first = TlsContext.load(settings, null, plaintext);
        logger.info("Server {}: TLS certificate {} (serial {}, {}, valid until {})", server, settings.certfile(),
                first.serial(), first.certificate().getSubjectX500Principal().getName(),
                first.certificate().getNotAfter().toInstant());
        return new CertificateWatch(server, first, stamps, logger, plaintext, timer);
    }

    /** The context new connections use. */
    TlsContext current() {
        return current;
    }

    /**
     * New settings: loaded at once if they differ; otherwise the files are read anew if they
     * changed (as on HUP). If they do not load, the current context stays.
     */
    synchronized void update(TlsSettings settings) {
        wanted = settings;
        if (settings.equals(current.settings())) {
            List<FileStamp> now = stamps(settings);
            if (!now.equals(loaded)) {
                reload(settings, now);
            }
            return;
        }
        lastSeen = stamps(settings);
        reload(settings, lastSeen);
    }

    /** Stops watching. */
    void close() {
        checks.cancel(false);
    }

    private synchronized void check() {
        TlsSettings settings = wanted;
        List<FileStamp> now = stamps(settings);
        boolean settled = now.equals(lastSeen);
        lastSeen = now;
        if (settled && !now.equals(loaded) && !now.equals(failed)) {
            reload(settings, now);
        }
    }

    private void reload(TlsSettings settings, List<FileStamp> stamps) {
        TlsContext previous = current;
        TlsContext next;
        try {
            next = TlsContext.load(settings, previous.records(), plaintext);
        } catch (IOException | RuntimeException e) {
            failed = stamps;
            logger.error("Server {}: cannot load TLS: {}; still serving certificate {} (serial {})", server,
                    e.getMessage(), previous.settings().certfile(), previous.serial());
            return;
        }
        current = next;
        loaded = stamps;
        lastSeen = stamps;
        failed = null;
        logger.info("Server {}: TLS certificate reloaded from {}: serial {} (was {}), valid until {}; new "
                + "connections use it", server, settings.certfile(), next.serial(), previous.serial(),
                next.certificate().getNotAfter().toInstant());
    }

    private static List<FileStamp> stamps(TlsSettings settings) {
        List<FileStamp> stamps = new ArrayList<>(3);
        for (String file : List.of(settings.certfile(), settings.keyfile(), settings.caCerts())) {
            if (!file.isEmpty()) {
                stamps.add(FileStamp.of(Path.of(file)));
            }
        }
        return stamps;
    }
}
