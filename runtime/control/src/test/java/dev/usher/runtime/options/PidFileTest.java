package dev.usher.runtime.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @TempDir
    Path directory;

    @Test
    void writtenAtomicallyWithTheUmaskAndRemovedOnlyByItsProcess() throws Exception {
        Path file = directory.resolve("u.pid");
        PidFile.write(file, 12345, 027);
        assertEquals("12345\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var entries = Files.list(directory)) {
            assertEquals(1, entries.count(), "no temporary file left");
        }
        assertFalse(PidFile.removeIfOwn(file, 54321));
        assertTrue(Files.exists(file));
        assertTrue(PidFile.removeIfOwn(file, 12345));
        assertFalse(Files.exists(file));
    }

    @Test
    void aLiveProcessIsRefusedADeadOneIsNot() throws Exception {
        Path file = directory.resolve("u.pid");
        assertNull(PidFile.refusal(file), "no file");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long pid = other.pid();
        try {
            PidFile.write(file, ProcessHandle.current().pid(), null);
            assertNull(PidFile.refusal(file), "names this process");
            if (other.isAlive()) {
                PidFile.write(file, pid, null);
                String refusal = PidFile.refusal(file);
                if (other.isAlive()) {
                    assertTrue(refusal != null && refusal.contains("names process " + pid + ", which is running"), refusal);
                }
            }
        } finally {
            other.destroyForcibly();
            other.waitFor();
        }
        PidFile.write(file, pid, null);
        assertNull(PidFile.refusal(file), "names a process that has exited");
        Files.writeString(file, "garbage");
        assertNull(PidFile.refusal(file));
        assertEquals(OptionalLong.empty(), PidFile.read(file));
    }
}
