package dev.usher.runtime.launch;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * The framework's storage (bundle cache, Config Admin's files): a fresh directory in
 * {@code java.io.tmpdir} for every start, deleted at exit once the framework has stopped. Every
 * start is a first start: what configures the servers is {@code etc/} and the command line, never
 * what an earlier run left in a cache.
 */
final class FrameworkStorage {

    /** Framework property the console bundle's shutdown hook bounds its wait with (seconds). */
    static final String STOP_TIMEOUT_PROPERTY = "usher.stop.timeout";

    private FrameworkStorage() {
    }

    /**
     * Creates the directory, mode 0700. Named after the process and the clock rather than by
     * {@code Files.createTempDirectory}, whose random name costs a {@code SecureRandom} (about
     * 20 ms of a cold start).
     */
    static Path create() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        String prefix = "usher-" + ProcessHandle.current().pid() + "-";
        for (long attempt = System.nanoTime(); ; attempt++) {
            Path directory = tmp.resolve(prefix + Long.toHexString(attempt));
            try {
                return posix
                        ? Files.createDirectory(directory,
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                        : Files.createDirectory(directory);
            } catch (FileAlreadyExistsException taken) {
                // a leftover of a process that had the same pid: next name
            }
        }
    }

    /**
     * At exit: stops the framework if it still runs (the console bundle's hook does too; either
     * stop serves), waits for it to stop as long as {@value #STOP_TIMEOUT_PROPERTY} lets the
     * console's hook wait, and then deletes the directory -- not before, since the stopping
     * bundles may still use it.
     */
    static void deleteAtExit(Path directory, Framework framework) {
        long timeoutMillis = stopTimeoutMillis(System.getProperty(STOP_TIMEOUT_PROPERTY));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                framework.stop();
                framework.waitForStop(timeoutMillis);
            } catch (BundleException | IllegalStateException e) {
                // stopped already, or cannot stop: delete what is there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delete(directory);
        }, "usher-framework-storage"));
    }

    /** The property's seconds in milliseconds; 0 (no bound) when unset or not a number. */
    static long stopTimeoutMillis(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(seconds.strip())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Deletes the tree; what cannot be deleted is left. */
    static void delete(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("usher: warning: cannot delete " + directory + ": " + e);
        }
    }
}
