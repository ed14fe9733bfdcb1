package dev.usher.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * File modes as Usher's settings and options give them ({@code unix_socket_perms},
 * {@code -m/--umask}): octal text, and the permissions a mode stands for.
 */
public final class FileModes {

    /** The permission of each mode bit, lowest bit first. */
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private FileModes() {
    }

    /**
     * Reads an octal mode as Python's {@code int(value, 8)} and gunicorn's {@code -m} do:
     * {@code 600}, {@code 0600} or {@code 0o600}, white space around it ignored.
     *
     * @throws NumberFormatException if it is not octal digits
     * @throws IllegalArgumentException if it is above {@code 0777}
     */
    public static int parseOctal(String text) {
        String digits = text.trim();
        if (digits.startsWith("0o") || digits.startsWith("0O")) {
            digits = digits.substring(2);
        }
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '7') || digits.length() > 11) {
            throw new NumberFormatException("not an octal mode: " + text);
        }
        int mode = Integer.parseInt(digits, 8);
        if (mode > 0777) {
            throw new IllegalArgumentException("above 0777: " + text);
        }
        return mode;
    }

    /** The permissions {@code mode} (such as {@code 0644}) stands for; bits above {@code 0777} are ignored. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }
}
