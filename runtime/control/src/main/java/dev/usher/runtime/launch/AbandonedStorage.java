package dev.usher.runtime.launch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Deletes the framework storages ({@link FrameworkStorage}) that processes which could not clean
 * up left in {@code java.io.tmpdir}: killed ones, and those a second INT halted, since no shutdown
 * hook runs then. It runs once Usher serves, on a thread of its own.
 *
 * <p>A storage is abandoned when nothing holds its {@value #LOCK}: Felix locks that file for as
 * long as its framework runs, and the lock, a file lock, is seen by every process and goes with
 * the one that held it. Only directories named as {@link FrameworkStorage#create()} names them,
 * owned by this process's user and unchanged for {@link #MIN_AGE} (a storage being created is not
 * locked yet) are looked at.
 */
final class AbandonedStorage implements Runnable {

    /** The file Felix locks in its storage while its framework runs. */
    static final String LOCK = "cache.lock";

    /** How long a storage must have been left unchanged before it counts as abandoned. */
    static final Duration MIN_AGE = Duration.ofMinutes(1);

    private static final Pattern NAME = Pattern.compile("usher-\\d+-[0-9a-f]+");

    private final Path own;

    private AbandonedStorage(Path own) {
        this.own = own;
    }

    /** Starts deleting, beside {@code own} (this process's storage), what other processes abandoned. */
    static void sweep(Path own) {
        Thread thread = new Thread(new AbandonedStorage(own), "usher-storage-sweep");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(own.getParent(), "usher-*")) {
            UserPrincipal user = Files.getOwner(own);
            Instant unchangedSince = Instant.now().minus(MIN_AGE);
            for (Path entry : entries) {
                if (!entry.equals(own) && abandoned(entry, user, unchangedSince)) {
                    FrameworkStorage.delete(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // housekeeping: the next start looks again
        }
    }

    private static boolean abandoned(Path entry, UserPrincipal user, Instant unchangedSince) throws IOException {
        if (!NAME.matcher(entry.getFileName().toString()).matches()) {
            return false;
        }
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory() || attributes.lastModifiedTime().toInstant().isAfter(unchangedSince)
                || !user.equals(Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS))) {
            return false;
        }
        try (FileChannel lock = FileChannel.open(entry.resolve(LOCK), StandardOpenOption.WRITE)) {
            return lock.tryLock() != null; // released as the channel closes, just before the delete
        } catch (NoSuchFileException | OverlappingFileLockException e) {
            return false; // not a framework's storage, or this process's own
        }
    }
}
