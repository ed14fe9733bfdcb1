package dev.usher.dispatcher;

import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;

import org.osgi.framework.BundleContext;

import dev.usher.config.FileModes;
import dev.usher.config.FrameworkProperties;

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
        String name = context.getProperty(FrameworkProperties.PROCESS_NAME);
        String umask = context.getProperty(FrameworkProperties.UMASK);
        int mask = -1;
        if (umask != null && !umask.isBlank()) {
            try {
                mask = FileModes.parseOctal(umask);
            } catch (IllegalArgumentException e) {
                // the launcher checked it; set by hand wrongly, the system's umask applies
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
        return FileModes.permissions(0666 & ~umask);
    }
}
