package dev.usher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

class FileModesTest {

    @Test
    void octalAsPythonAndGunicornWriteIt() {
        assertEquals(0600, FileModes.parseOctal("600"));
        assertEquals(0600, FileModes.parseOctal(" 0600 "));
        assertEquals(0022, FileModes.parseOctal("0o022"));
        assertEquals(0777, FileModes.parseOctal("0O777"));
        assertEquals(0, FileModes.parseOctal("0"));
        for (String bad : new String[] {"", "0o", "8", "-1", "+600", "6 0", "0x1ff", "99999999999999"}) {
            assertThrows(NumberFormatException.class, () -> FileModes.parseOctal(bad), bad);
        }
        IllegalArgumentException above = assertThrows(IllegalArgumentException.class, () -> FileModes.parseOctal("1000"));
        assertEquals(IllegalArgumentException.class, above.getClass(), "above 0777 is not a format error");
    }

    @Test
    void permissionsOfAMode() {
        assertEquals("rw-r--r--", PosixFilePermissions.toString(FileModes.permissions(0644)));
        assertEquals("rwxrwx---", PosixFilePermissions.toString(FileModes.permissions(0770)));
        assertEquals("---------", PosixFilePermissions.toString(FileModes.permissions(0)));
        assertEquals("rw-------", PosixFilePermissions.toString(FileModes.permissions(0666 & ~0077)));
    }
}
