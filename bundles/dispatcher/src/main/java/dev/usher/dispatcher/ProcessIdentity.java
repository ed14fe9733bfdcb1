package dev.usher.dispatcher;

import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

import org.osgi.framework.BundleContext;

/**
 * What the process running Usher is called and the umask it applies, from the framework
 * properties the runtime's command line sets ({@code -n}, {@code -m}).
 *
 * @param name the prefix of every thread name: {@code usher.name}, default {@code usher}
 * @param umask the bits to clear from files Usher creates: {@code usher.umask} (octal), or -1
 *     to leave the system's
 */
record ProcessIdentity(String name, int umask) {

    static final ProcessIdentity DEFAULT = new ProcessIdentity("usher", -1);

    static ProcessIdentity of(BundleContext context) {
        String name = context.getProperty("usher.name");
        String umask = context.getProperty("usher.umask");
        int mask = -1;
        if (umask != null && !umask.isBlank()) {
            String digits = umask.strip().toLowerCase(java.util.Locale.ROOT).replaceFirst("^0o", "");
            try {
                mask = Integer.parseInt(digits, 8) & 0777;
            } catch (NumberFormatException e) {
                mask = -1;
            }
        }
        return new ProcessIdentity(name == null || name.isBlank() ? DEFAULT.name : name.strip(), mask);
    }

    /** The permissions of a new file Usher creates, {@code rw-rw-rw-} less the umask; null for the system's. */
    Set<PosixFilePermission> filePermissions() {
        if (umask < 0) {
            return null;
        }
        int mode = 0666 & ~umask;
        StringBuilder text = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }
}
