package dev.usher.config;

import static dev.usher.config.AdjustmentsTest.parse;
import static dev.usher.config.AdjustmentsTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code unix_socket} and {@code unix_socket_perms}. */
class UnixSocketTest {

    @Test
    void aUnixSocketAloneIsTheOnlyThingListenedOn() throws InvalidSettingException {
        Adjustments a = parse("unix_socket", "/run/usher/http.sock");
        assertEquals("/run/usher/http.sock", a.unixSocket());
        assertEquals(List.of(), a.listen());
        assertEquals(0600, a.unixSocketPerms());
        assertEquals("relative.sock", parse("unix_socket", " relative.sock ").unixSocket());
        assertEquals("/a.sock", parse("unix_socket", new String[] {"/a.sock"}).unixSocket());
    }

    @Test
    void anEmptyUnixSocketIsNone() throws InvalidSettingException {
        Adjustments a = parse("unix_socket", "", "port", 9000);
        assertEquals("", a.unixSocket());
        assertEquals(List.of(new ListenAddress("0.0.0.0", 9000)), a.listen());
        assertEquals(Adjustments.defaults(), parse("unix_socket", "  "));
    }

    @Test
    void aUnixSocketExcludesHostPortAndListen() {
        refused("unix_socket", "unix_socket", "/a.sock", "host", "127.0.0.1");
        refused("unix_socket", "unix_socket", "/a.sock", "port", 8080);
        refused("unix_socket", "unix_socket", "/a.sock", "host", "0.0.0.0", "port", "8080");
        refused("unix_socket", "unix_socket", "/a.sock", "listen", "127.0.0.1:1");
    }

    @Test
    void aUnixSocketIsOnePath() {
        refused("unix_socket", "unix_socket", "/a\0b.sock");
        refused("unix_socket", "unix_socket", new String[] {"/a.sock", "/b.sock"});
    }

    @ParameterizedTest
    @CsvSource({
        "600, 384", "0600, 384", "0o600, 384", "0O600, 384", "666, 438", "777, 511", "0, 0", "000, 0",
        "' 660 ', 432", "7, 7", "0o0, 0"})
    void permsAreOctalStrings(String text, int mode) throws InvalidSettingException {
        assertEquals(mode, parse("unix_socket", "/a.sock", "unix_socket_perms", text).unixSocketPerms());
        assertEquals(mode, parse("unix_socket", "/a.sock", "unix_socket_perms", new String[] {text})
                .unixSocketPerms());
    }

    @ParameterizedTest
    @CsvSource({"600, 384", "660, 432", "777, 511", "0, 0", "644, 420"})
    void aNumberIsReadAsOctalDigits(int number, int mode) throws InvalidSettingException {
        assertEquals(mode, parse("unix_socket", "/a.sock", "unix_socket_perms", number).unixSocketPerms());
        assertEquals(mode, parse("unix_socket", "/a.sock", "unix_socket_perms", (long) number).unixSocketPerms());
    }

    @ParameterizedTest
    @ValueSource(strings = {"800", "1000", "-1", "rw-------", "0x180", "0o", "", "6 0 0", "0o800", "u+rw"})
    void badPermsAreRefused(String text) {
        refused("unix_socket_perms", "unix_socket_perms", text);
    }

    @Test
    void numbersWithDigitsThatAreNotOctalAreRefused() {
        refused("unix_socket_perms", "unix_socket_perms", 384); // 0600 in decimal: ambiguous, refused
        refused("unix_socket_perms", "unix_socket_perms", 1000);
        refused("unix_socket_perms", "unix_socket_perms", -1);
        refused("unix_socket_perms", "unix_socket_perms", 1.5d);
        refused("unix_socket_perms", "unix_socket_perms", new String[] {"600", "700"});
    }

    @Test
    void permsWithoutAUnixSocketAreAcceptedAndUnused() throws InvalidSettingException {
        // waitress: "only used if unix_socket is not None"; not an error
        assertEquals(0700, parse("unix_socket_perms", "700").unixSocketPerms());
    }
}
