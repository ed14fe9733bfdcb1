package dev.usher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdjustmentsTest {

    @Test
    void defaultsAreWaitresss() {
        Adjustments a = Adjustments.defaults();
        assertEquals(List.of(new ListenAddress("0.0.0.0", 8080)), a.listen());
        assertEquals(4, a.threads());
        assertEquals("usher", a.ident());
        assertEquals(1024, a.backlog());
        assertEquals(8192, a.recvBytes());
        assertEquals(18000, a.sendBytes());
        assertEquals(524288, a.inbufOverflow());
        assertEquals(1048576, a.outbufOverflow());
        assertEquals(16777216L, a.outbufHighWatermark());
        assertEquals(100, a.connectionLimit());
        assertEquals(30, a.cleanupInterval());
        assertEquals(120, a.channelTimeout());
        assertEquals(262144, a.maxRequestHeaderSize());
        assertEquals(1073741824L, a.maxRequestBodySize());
        assertFalse(a.exposeTracebacks());
        assertTrue(a.logSocketErrors());
        assertEquals("http", a.urlScheme());
        assertEquals("", a.urlPrefix());
        assertEquals(0, a.channelRequestLookahead());
        assertEquals(Adjustments.defaultWorkers(), a.workers());
    }

    @Test
    void hostAndPortMakeOneAddress() throws InvalidSettingException {
        Adjustments a = Adjustments.parse(Map.of("host", "127.0.0.1", "port", "9090"));
        assertEquals(List.of(new ListenAddress("127.0.0.1", 9090)), a.listen());
        assertEquals(List.of(new ListenAddress("::1", 80)),
                Adjustments.parse(Map.of("host", "[::1]", "port", 80)).listen());
    }

    @Test
    void listenTakesSeveralAddressesOfEveryForm() throws InvalidSettingException {
        Adjustments a = Adjustments.parse(Map.of("listen", "127.0.0.1:9090 [::1]:9091\n*:9092  localhost"));
        assertEquals(List.of(new ListenAddress("127.0.0.1", 9090), new ListenAddress("::1", 9091),
                new ListenAddress("*", 9092), new ListenAddress("localhost", 8080)), a.listen());
        assertTrue(a.listen().get(2).wildcard());
        Adjustments array = Adjustments.parse(Map.of("listen", new String[] {"127.0.0.1:1", "127.0.0.1:2"}));
        assertEquals(2, array.listen().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:x", "127.0.0.1:70000", "::1:80", "[::1", "[::1]x", ":80", "   "})
    void refusesMalformedListen(String listen) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("listen", listen)));
        assertEquals("listen", e.property());
    }

    @Test
    void listenExcludesHostAndPort() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("listen", "127.0.0.1:1", "port", "2")));
        assertEquals("listen", e.property());
    }

    @ParameterizedTest
    @ValueSource(strings = {"t", "TRUE", "y", "Yes", "on", "1"})
    void trueSpellings(String word) throws InvalidSettingException {
        assertTrue(Adjustments.parse(Map.of("expose_tracebacks", word)).exposeTracebacks());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f", "False", "n", "no", "OFF", "0"})
    void falseSpellings(String word) throws InvalidSettingException {
        assertFalse(Adjustments.parse(Map.of("log_socket_errors", word)).logSocketErrors());
    }

    @Test
    void typedValuesAreAccepted() throws InvalidSettingException {
        Adjustments a = Adjustments.parse(Map.of("threads", 7, "expose_tracebacks", Boolean.TRUE,
                "max_request_body_size", 5L));
        assertEquals(7, a.threads());
        assertTrue(a.exposeTracebacks());
        assertEquals(5L, a.maxRequestBodySize());
    }

    @Test
    void errorsNameThePropertyAndValue() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("threads", "many")));
        assertEquals("threads", e.property());
        assertEquals("many", e.value());
        assertTrue(e.getMessage().startsWith("threads=many: "));
        assertEquals("threads", assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("threads", "0"))).property());
        assertEquals("port", assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("port", "65536"))).property());
        assertEquals("expose_tracebacks", assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("expose_tracebacks", "maybe"))).property());
        assertEquals("url_scheme", assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("url_scheme", "ftp"))).property());
    }

    @Test
    void urlPrefixIsNormalised() throws InvalidSettingException {
        assertEquals("/app", Adjustments.parse(Map.of("url_prefix", "app/")).urlPrefix());
        assertEquals("/a/b", Adjustments.parse(Map.of("url_prefix", "//a/b//")).urlPrefix());
        assertEquals("", Adjustments.parse(Map.of("url_prefix", "/")).urlPrefix());
    }

    @Test
    void unknownPropertiesAreReportedButNotFrameworkOnes() {
        assertEquals(Set.of("thread"), Adjustments.unknownProperties(
                Map.of("thread", "4", "service.pid", "x", "felix.fileinstall.filename", "f", "port", "1")));
    }
}
