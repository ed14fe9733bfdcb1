package dev.usher.runtime.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;

/**
 * {@code -u USER} and {@code -g GROUP}. A JVM cannot change its user or group (there is no
 * {@code setuid} in Java), so these options are accepted only when the process already runs as
 * that user and group; otherwise the launcher refuses to start and says how to run it so.
 */
final class RunAs {

    private RunAs() {
    }

    /** Why the process cannot run as {@code user} and {@code group} (either may be null), or null if it does. */
    static String refusal(String user, String group) {
        if (user == null && group == null) {
            return null;
        }
        Identity self;
        try {
            self = current();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot tell which user and group this process runs as (" + e.getMessage()
                    + "); drop -u/-g and start Usher as the intended user, e.g. with systemd's User= and Group=";
        }
        if (user != null && !user.equals(self.user()) && !user.equals(String.valueOf(self.uid()))) {
            return "option -u/--user: running as " + self.user() + " (uid " + self.uid() + "), not " + user
                    + ": a JVM cannot switch users; start it as " + user + ", e.g. with systemd's User=" + user
                    + " or runuser -u " + user + " -- java -jar usher.jar ...";
        }
        if (group != null && !group.equals(self.group()) && !group.equals(String.valueOf(self.gid()))) {
            return "option -g/--group: running as group " + self.group() + " (gid " + self.gid() + "), not " + group
                    + ": a JVM cannot switch groups; start it in that group, e.g. with systemd's Group=" + group
                    + " or runuser -g " + group + " -- java -jar usher.jar ...";
        }
        return null;
    }

    /** The user and group the process runs as (effective ids: the owner of /proc/self on Linux). */
    record Identity(String user, int uid, String group, int gid) {
    }

    static Identity current() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.isDirectory(self)) {
            Principal owner = (Principal) Files.getAttribute(self, "unix:owner");
            Principal group = (Principal) Files.getAttribute(self, "unix:group");
            int uid = (Integer) Files.getAttribute(self, "unix:uid");
            int gid = (Integer) Files.getAttribute(self, "unix:gid");
            return new Identity(owner.getName(), uid, group.getName(), gid);
        }
        throw new UnsupportedOperationException("no /proc/self");
    }
}
