package dev.usher.runtime.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsFileTest {

    @Test
    void sectionsKeysContinuationsAndComments() throws Exception {
        SettingsFile file = parse("""
                # the default server
                threads = 8
                [server:main]
                listen = 127.0.0.1:8080
                    [::1]:8080
                ; comment
                ident: usher-main
                accesslog =

                [server:admin]
                unix_socket = /run/admin.sock
                unix_socket_perms = 660
                """);
        assertEquals(Map.of(
                "default", Map.of("threads", "8", "listen", "127.0.0.1:8080 [::1]:8080", "ident", "usher-main",
                        "accesslog", ""),
                "admin", Map.of("unix_socket", "/run/admin.sock", "unix_socket_perms", "660")), file.servers());
        assertEquals(List.of(), file.warnings());
    }

    @Test
    void theDefaultServerHasThreeSpellings() throws Exception {
        for (String header : List.of("[server]", "[server:main]", "[server:default]", "[ server:main ]")) {
            assertEquals(Map.of("default", Map.of("port", "1")), parse(header + "\nport = 1\n").servers(), header);
        }
    }

    @Test
    void aPasteFileKeepsItsServerSectionsAndWarnsAboutTheRest() throws Exception {
        SettingsFile file = parse("""
                [app:main]
                use = egg:myapp
                debug = true
                [server:main]
                use = egg:gunicorn#main
                host = 127.0.0.1
                port = 5000
                """);
        assertEquals(Map.of("default", Map.of("host", "127.0.0.1", "port", "5000")), file.servers());
        assertEquals(List.of("u.ini:1: section [app:main] ignored: only [server:NAME] sections hold Usher settings"),
                file.warnings());
    }

    @Test
    void errorsNameTheFileAndLine() {
        assertError("threads = 1\nthreads = 2\n", "u.ini:2: threads is set twice");
        assertError("[server:a]\nport = 1\n[server:a]\n", "u.ini:3: server a has a second section");
        assertError("[server:main\n", "u.ini:1: a section header must end with ]: [server:main");
        assertError("[server:no/slash]\n", "u.ini:1: not a server name: [server:no/slash] (letters, digits, '.', '_' and '-')");
        assertError("\njust words\n", "u.ini:2: expected key = value or a [section], got: just words");
        assertError("bad key = 1\n", "u.ini:1: not a setting name: 'bad key'");
        assertError("= 1\n", "u.ini:1: expected key = value or a [section], got: = 1");
    }

    private static void assertError(String text, String message) {
        SettingsFile.SyntaxException e = assertThrows(SettingsFile.SyntaxException.class, () -> parse(text));
        assertEquals(message, e.getMessage());
    }

    private static SettingsFile parse(String text) throws SettingsFile.SyntaxException {
        return SettingsFile.parse("u.ini", text.lines().toList());
    }
}
