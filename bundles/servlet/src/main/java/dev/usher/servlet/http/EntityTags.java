package dev.usher.servlet.http;

/**
 * Entity tags (RFC 9110, section 8.8.3): the strong tag a resource gets from its length and
 * modification time, and the comparison of a tag with the lists of {@code If-Match},
 * {@code If-None-Match} and {@code If-Range}.
 */
final class EntityTags {

    private EntityTags() {
    }

    /**
     * A strong tag for a resource of {@code length} bytes last modified at {@code lastModified}:
     * either changing changes the tag.
     */
    static String of(long length, long lastModified) {
        return "\"" + Long.toHexString(length) + "-" + Long.toHexString(lastModified) + "\"";
    }

    /**
     * Whether {@code list}, a field value of entity tags or {@code *}, holds one matching
     * {@code tag}, which is strong. Weak comparison ignores a {@code W/} on either side; strong
     * comparison counts no weak tag as matching (RFC 9110 8.8.3.2). A malformed list matches
     * nothing after its fault.
     */
    static boolean matches(String list, String tag, boolean weakComparison) {
        int i = 0;
        while (i < list.length()) {
            char c = list.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            boolean weak = list.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= list.length() || list.charAt(open) != '"') {
                return false;
            }
            // An entity tag may hold commas, so the list is read tag by tag, not split.
            int close = list.indexOf('"', open + 1);
            if (close < 0) {
                return false;
            }
            if ((weakComparison || !weak) && close + 1 - open == tag.length()
                    && list.regionMatches(open, tag, 0, tag.length())) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
