package dev.usher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdjustmentsTest {

    static Adjustments parse(Object... keysAndValues) throws InvalidSettingException {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Adjustments.parse(properties);
    }

    /** Asserts that the properties are refused, naming {@code property}; returns the error. */
    static InvalidSettingException refused(String property, Object... keysAndValues) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> parse(keysAndValues));
        assertEquals(property, e.property(), e.getMessage());
        return e;
    }

    @Test
    void defaultsAreWaitresss() {
        Adjustments a = Adjustments.defaults();
        assertEquals(List.of(new ListenAddress("0.0.0.0", 8080)), a.listen());
        assertTrue(a.ipv4());
        assertTrue(a.ipv6());
        assertEquals(4, a.threads());
        assertEquals(Adjustments.defaultWorkers(), a.workers());
        assertEquals("usher", a.ident());
        assertEquals(1024, a.backlog());
        assertEquals(8192, a.recvBytes());
        assertEquals(18000, a.sendBytes());
        assertEquals(524288, a.inbufOverflow());
        assertEquals(1048576, a.outbufOverflow());
        assertEquals(16777216L, a.outbufHighWatermark());
        assertEquals(100, a.connectionLimit());
        assertEquals(2048, a.waitingConnectionLimit(), "Usher's own: more than the 1,000 slow clients it must outlast");
        assertEquals(30, a.cleanupInterval());
        assertEquals(120, a.channelTimeout());
        assertTrue(a.logSocketErrors());
        assertEquals(262144, a.maxRequestHeaderSize());
        assertEquals(1073741824L, a.maxRequestBodySize());
        assertFalse(a.exposeTracebacks());
        assertEquals("http", a.urlScheme());
        assertEquals("", a.urlPrefix());
        assertEquals(0, a.channelRequestLookahead());
        assertEquals("", a.unixSocket());
        assertEquals(0600, a.unixSocketPerms());
        assertEquals(384, a.unixSocketPerms());
        assertEquals("", a.trustedProxy());
        assertEquals(1, a.trustedProxyCount());
        assertEquals(Set.of(), a.trustedProxyHeaders());
        assertTrue(a.clearUntrustedProxyHeaders());
        assertFalse(a.logUntrustedProxyHeaders());
        assertEquals("usher.invalid", a.serverName());
        assertEquals(1, a.asyncoreLoopTimeout());
        assertFalse(a.asyncoreUsePoll());
        assertEquals(30, a.gracefulTimeout());
        assertEquals(0, a.timeout());
        assertEquals("", a.accessLog());
        assertEquals("%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"", a.accessLogFormat());
        assertFalse(a.reusePort());
        assertEquals(WorkerClass.SYNC, a.workerClass());
        assertEquals(a, Adjustments.defaults());
    }

    @Test
    void everySettingHasAnAccessorGivingItsValue() throws Exception {
        // the TLS settings are read through tls(), and host and port into listen()
        Set<String> elsewhere = Set.of("host", "port", "certfile", "keyfile", "ca_certs", "cert_reqs", "ciphers",
                "ssl_version", "suppress_ragged_eofs");
        Adjustments some = Adjustments.parse(Map.of("threads", 7, "trusted_proxy", "10.0.0.1", "unix_socket", "/tmp/u.sock",
                "accesslog", "-", "ident", "x"));
        for (Setting<?> setting : Settings.ALL) {
            if (elsewhere.contains(setting.name())) {
                continue;
            }
            String accessor = setting.name().equals("accesslog") ? "accessLog" : camelCase(setting.name());
            for (Adjustments a : List.of(Adjustments.defaults(), some)) {
                Object value = Adjustments.class.getMethod(accessor).invoke(a);
                assertEquals(a.get(setting), value, setting.name());
                assertEquals(a.values().get(setting.name()), value, setting.name());
            }
        }
        assertEquals(some.get(Settings.CERT_REQS), some.tls().certReqs());
        assertEquals(Settings.ALL.size() - 2, some.values().size(), "every setting has a value but host and port");
        assertThrows(IllegalArgumentException.class, () -> some.get(Settings.HOST));
    }

    private static String camelCase(String name) {
        StringBuilder camel = new StringBuilder();
        for (String part : name.split("_")) {
            camel.append(camel.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return camel.toString();
    }

    // ---- numbers -------------------------------------------------------------------------------

    /** name, accessor, smallest allowed, largest allowed (null: unbounded within the type). */
    static Stream<Arguments> numbers() {
        return Stream.of(
                number("port", a -> (long) a.listen().get(0).port(), 0, 65535L),
                number("threads", Adjustments::threads, 1, 10_000L),
                number("workers", Adjustments::workers, 1, 1024L),
                number("backlog", Adjustments::backlog, 1, null),
                number("recv_bytes", Adjustments::recvBytes, 1, 64L << 20),
                number("send_bytes", Adjustments::sendBytes, 1, 64L << 20),
                number("inbuf_overflow", Adjustments::inbufOverflow, 0, null),
                number("outbuf_overflow", Adjustments::outbufOverflow, 0, null),
                number("outbuf_high_watermark", Adjustments::outbufHighWatermark, 1, null),
                number("connection_limit", Adjustments::connectionLimit, 1, null),
                number("waiting_connection_limit", Adjustments::waitingConnectionLimit, 1, null),
                number("cleanup_interval", Adjustments::cleanupInterval, 1, null),
                number("channel_timeout", Adjustments::channelTimeout, 1, null),
                number("max_request_header_size", Adjustments::maxRequestHeaderSize, 1, null),
                number("max_request_body_size", Adjustments::maxRequestBodySize, 1, null),
                number("channel_request_lookahead", Adjustments::channelRequestLookahead, 0, 1024L),
                number("asyncore_loop_timeout", Adjustments::asyncoreLoopTimeout, 1, null));
    }

    private static Arguments number(String name, Function<Adjustments, Number> get, long min, Long max) {
        return Arguments.of(name, get, min, max);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void numbersParseFromEveryForm(String name, Function<Adjustments, Number> get, long min, Long max)
            throws InvalidSettingException {
        long value = min + 5;
        assertEquals(value, get.apply(parse(name, Long.toString(value))).longValue());
        assertEquals(value, get.apply(parse(name, " " + value + " ")).longValue());
        assertEquals(value, get.apply(parse(name, (int) value)).longValue());
        assertEquals(value, get.apply(parse(name, value)).longValue());
        assertEquals(value, get.apply(parse(name, new String[] {Long.toString(value)})).longValue());
        assertEquals(value, get.apply(parse(name, List.of(value))).longValue());
        assertEquals(min, get.apply(parse(name, min)).longValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void numbersOutOfRangeAreRefused(String name, Function<Adjustments, Number> get, long min, Long max)
            throws InvalidSettingException {
        refused(name, name, min - 1);
        refused(name, name, Long.toString(min - 1));
        if (max != null) {
            assertEquals(max, get.apply(parse(name, max)).longValue());
            refused(name, name, max + 1);
        } else if (get.apply(Adjustments.defaults()) instanceof Integer) {
            assertEquals(Integer.MAX_VALUE, get.apply(parse(name, Integer.MAX_VALUE)).longValue());
            refused(name, name, Integer.MAX_VALUE + 1L);
        } else {
            assertEquals(Long.MAX_VALUE, get.apply(parse(name, Long.MAX_VALUE)).longValue());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void nonNumbersAreRefused(String name, Function<Adjustments, Number> get, long min, Long max) {
        for (Object bad : List.of("many", "", "1.5", "0x10", "1e3", 2.0d, new String[] {"1", "2"}, List.of())) {
            if (!(Adjustments.OPTIONAL.contains(name) && (bad.equals("") || bad.equals(List.of())))) {
                refused(name, name, bad);
            }
        }
    }

    // ---- booleans ------------------------------------------------------------------------------

    static Stream<Arguments> booleans() {
        return Stream.of(
                Arguments.of("ipv4", (Predicate<Adjustments>) Adjustments::ipv4),
                Arguments.of("ipv6", (Predicate<Adjustments>) Adjustments::ipv6),
                Arguments.of("log_socket_errors", (Predicate<Adjustments>) Adjustments::logSocketErrors),
                Arguments.of("expose_tracebacks", (Predicate<Adjustments>) Adjustments::exposeTracebacks),
                Arguments.of("clear_untrusted_proxy_headers",
                        (Predicate<Adjustments>) Adjustments::clearUntrustedProxyHeaders),
                Arguments.of("log_untrusted_proxy_headers",
                        (Predicate<Adjustments>) Adjustments::logUntrustedProxyHeaders),
                Arguments.of("asyncore_use_poll", (Predicate<Adjustments>) Adjustments::asyncoreUsePoll));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("booleans")
    void booleansTakeEverySpelling(String name, Predicate<Adjustments> get) throws InvalidSettingException {
        for (Object yes : List.of("t", "TRUE", "True", "y", "Yes", "on", "ON", "1", " true ", Boolean.TRUE, 1,
                new String[] {"yes"})) {
            assertTrue(get.test(parse(name, yes)), name + "=" + yes);
        }
        for (Object no : List.of("f", "FALSE", "False", "n", "No", "off", "Off", "0", Boolean.FALSE, 0)) {
            // ipv4 and ipv6 cannot both be off: switch the other one on explicitly
            String other = name.equals("ipv4") ? "ipv6" : "ipv4";
            assertFalse(get.test(parse(name, no, other, true)), name + "=" + no);
        }
        for (Object bad : List.of("maybe", "", "2", "yess", "tru", new String[] {"yes", "no"})) {
            refused(name, name, bad);
        }
    }

    @Test
    void ipv4AndIpv6CannotBothBeOff() throws InvalidSettingException {
        refused("ipv6", "ipv4", "false", "ipv6", "no");
        assertFalse(parse("ipv4", "false").ipv4());
        assertFalse(parse("ipv6", "false").ipv6());
    }

    // ---- host, port, listen --------------------------------------------------------------------

    @Test
    void hostAndPortMakeOneAddress() throws InvalidSettingException {
        Adjustments a = Adjustments.parse(Map.of("host", "127.0.0.1", "port", "9090"));
        assertEquals(List.of(new ListenAddress("127.0.0.1", 9090)), a.listen());
        assertEquals(List.of(new ListenAddress("::1", 80)),
                Adjustments.parse(Map.of("host", "[::1]", "port", 80)).listen());
        assertEquals(List.of(new ListenAddress("localhost", 8080)), parse("host", "localhost").listen());
        assertEquals(List.of(new ListenAddress("0.0.0.0", 1)), parse("port", 1).listen());
        refused("host", "host", new String[] {"a", "b"});
    }

    @Test
    void blankOptionalSettingsAreAbsent() throws InvalidSettingException {
        Adjustments defaults = Adjustments.defaults();
        for (Object blank : List.of("", "  ", new String[0], new String[] {""}, List.of())) {
            for (String name : Adjustments.OPTIONAL) {
                assertEquals(defaults, parse(name, blank), name + "=" + blank);
            }
        }
        // as a form saves them: the empty fields next to the filled ones
        assertEquals(List.of(new ListenAddress("127.0.0.1", 9090)), Adjustments.parse(Map.of("host", "",
                "port", "", "listen", "127.0.0.1:9090", "unix_socket", "", "trusted_proxy_count", "")).listen());
        assertEquals(List.of(new ListenAddress("0.0.0.0", 9090)),
                Adjustments.parse(Map.of("host", " ", "port", 9090, "listen", "")).listen());
        Adjustments unix = Adjustments.parse(Map.of("host", "", "port", "", "listen", "", "unix_socket", "/a.sock"));
        assertEquals(List.of(), unix.listen());
        // elsewhere blank is a value: an empty ident turns the Server header off, an empty number is refused
        assertEquals("", parse("ident", "").ident());
        refused("threads", "threads", "");
    }

    @Test
    void listenTakesSeveralAddressesOfEveryForm() throws InvalidSettingException {
        Adjustments a = Adjustments.parse(Map.of("listen", "127.0.0.1:9090 [::1]:9091\n*:9092  localhost"));
        assertEquals(List.of(new ListenAddress("127.0.0.1", 9090), new ListenAddress("::1", 9091),
                new ListenAddress("*", 9092), new ListenAddress("localhost", 8080)), a.listen());
        assertTrue(a.listen().get(2).wildcard());
        Adjustments array = Adjustments.parse(Map.of("listen", new String[] {"127.0.0.1:1", "127.0.0.1:2"}));
        assertEquals(2, array.listen().size());
        assertEquals(List.of(new ListenAddress("::1", 8080), new ListenAddress("a", 3)),
                parse("listen", List.of("[::1]", "a:3")).listen());
        assertEquals(List.of(new ListenAddress("*", 0)), parse("listen", "*:0").listen());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:x", "127.0.0.1:70000", "127.0.0.1:-1", "::1:80", "[::1", "[::1]x", ":80",
        "127.0.0.1:1 :80"})
    void refusesMalformedListen(String listen) {
        refused("listen", "listen", listen);
    }

    @Test
    void listenExcludesHostAndPort() {
        refused("listen", "listen", "127.0.0.1:1", "port", "2");
        refused("listen", "listen", "127.0.0.1:1", "host", "127.0.0.1");
        refused("listen", "listen", "127.0.0.1:1", "host", "0.0.0.0", "port", 8080);
    }

    @Test
    void listenIsImmutable() {
        assertThrows(UnsupportedOperationException.class,
                () -> Adjustments.defaults().listen().add(new ListenAddress("x", 1)));
    }

    // ---- strings -------------------------------------------------------------------------------

    @Test
    void identIsTheServerHeader() throws InvalidSettingException {
        assertEquals("my server/1.0", parse("ident", "my server/1.0").ident());
        assertEquals("", parse("ident", "").ident());
        assertEquals("caf\u00e9", parse("ident", "caf\u00e9").ident());
        refused("ident", "ident", "a\u0001b");
        refused("ident", "ident", "a\u007fb");
        refused("ident", "ident", "\u20ac");
        refused("ident", "ident", new String[] {"a", "b"});
    }

    @Test
    void serverNameIsAHostName() throws InvalidSettingException {
        assertEquals("example.com", parse("server_name", "example.com").serverName());
        assertEquals("example.com", parse("server_name", " example.com ").serverName());
        assertEquals("[::1]", parse("server_name", "[::1]").serverName());
        refused("server_name", "server_name", "");
        refused("server_name", "server_name", "two words");
        refused("server_name", "server_name", "tab\there");
        refused("server_name", "server_name", "caf\u00e9");
    }

    @Test
    void urlSchemeIsHttpOrHttps() throws InvalidSettingException {
        assertEquals("https", parse("url_scheme", "https").urlScheme());
        assertEquals("https", parse("url_scheme", "HTTPS").urlScheme());
        assertEquals("http", parse("url_scheme", "http").urlScheme());
        refused("url_scheme", "url_scheme", "ftp");
        // blank is absent: the default follows certfile
        assertEquals("http", parse("url_scheme", "").urlScheme());
    }

    @Test
    void aTlsServerTellsHttpsUnlessToldOtherwise() throws InvalidSettingException {
        Adjustments tls = Adjustments.parse(Map.of("certfile", "/etc/usher/cert.pem", "keyfile", "/etc/usher/key.pem"));
        assertTrue(tls.tls().enabled());
        assertEquals("https", tls.urlScheme());
        assertEquals("/etc/usher/cert.pem", tls.tls().certfile());
        assertEquals(TlsSettings.ClientCertificates.NONE, tls.tls().certReqs());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.tls().protocols());
        assertTrue(tls.tls().suppressRaggedEofs());
        assertEquals("http", Adjustments.parse(Map.of("certfile", "c.pem", "keyfile", "k.pem", "url_scheme", "http"))
                .urlScheme());
        assertFalse(Adjustments.defaults().tls().enabled());
        assertEquals(TlsSettings.NONE, Adjustments.defaults().tls());
    }

    @Test
    void tlsSettingsAreCheckedTogether() throws InvalidSettingException {
        refused("certfile", "certfile", "c.pem");
        refused("keyfile", "keyfile", "k.pem");
        Map<String, Object> pair = Map.of("certfile", "c.pem", "keyfile", "k.pem");
        refusedWith("cert_reqs", pair, "cert_reqs", "required");
        refusedWith("cert_reqs", pair, "cert_reqs", "sometimes");
        refusedWith("ssl_version", pair, "ssl_version", "TLSv1.1");
        refusedWith("ssl_version", pair, "ssl_version", "SSLv3");
        refusedWith("ciphers", pair, "ciphers", "ECDHE-RSA-AES128-GCM-SHA256!");
        refused("ca_certs", "ca_certs", "ca.pem");
        refused("cert_reqs", "cert_reqs", "optional");
        refused("ciphers", "ciphers", "TLS_AES_128_GCM_SHA256");
        Map<String, Object> all = new java.util.HashMap<>(pair);
        all.put("ca_certs", "ca.pem");
        all.put("cert_reqs", 2);
        all.put("ciphers", "TLS_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        all.put("ssl_version", "PROTOCOL_TLSv1_2");
        all.put("suppress_ragged_eofs", "false");
        TlsSettings tls = Adjustments.parse(all).tls();
        assertEquals(TlsSettings.ClientCertificates.REQUIRED, tls.certReqs());
        assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), tls.ciphers());
        assertEquals(List.of("TLSv1.2"), tls.protocols());
        assertFalse(tls.suppressRaggedEofs());
        all.put("cert_reqs", "CERT_OPTIONAL");
        all.put("ssl_version", "TLS");
        tls = Adjustments.parse(all).tls();
        assertEquals(TlsSettings.ClientCertificates.OPTIONAL, tls.certReqs());
        assertEquals(TlsSettings.DEFAULT_PROTOCOLS, tls.protocols());
    }

    private static void refusedWith(String property, Map<String, Object> base, String name, Object value) {
        Map<String, Object> properties = new java.util.HashMap<>(base);
        properties.put(name, value);
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Adjustments.parse(properties));
        assertEquals(property, e.property());
    }

    @Test
    void urlPrefixIsNormalised() throws InvalidSettingException {
        assertEquals("/app", Adjustments.parse(Map.of("url_prefix", "app/")).urlPrefix());
        assertEquals("/a/b", Adjustments.parse(Map.of("url_prefix", "//a/b//")).urlPrefix());
        assertEquals("", Adjustments.parse(Map.of("url_prefix", "/")).urlPrefix());
        assertEquals("", Adjustments.parse(Map.of("url_prefix", "")).urlPrefix());
        assertEquals("/app", Adjustments.parse(Map.of("url_prefix", " /app ")).urlPrefix());
    }

    // ---- errors and unknown properties ---------------------------------------------------------

    @Test
    void errorsNameThePropertyAndValue() {
        InvalidSettingException e = refused("threads", "threads", "many");
        assertEquals("many", e.value());
        assertTrue(e.getMessage().startsWith("threads=many: "));
    }

    @Test
    void unknownPropertiesAreReportedButNotFrameworkOnes() {
        assertEquals(Set.of("thread"), Adjustments.unknownProperties(
                Map.of("thread", "4", "service.pid", "x", "felix.fileinstall.filename", "f", "port", "1")));
        assertEquals(Set.of("sockets", "shutdown_timeout", "trusted-proxy"), Adjustments.unknownProperties(
                Map.of("sockets", "x", "shutdown_timeout", "5", "trusted-proxy", "*", "service.factoryPid", "p",
                        "component.name", "c", "component.id", 1L, "service.bundleLocation", "?")));
    }

    @Test
    void operationalSettingsParse() throws InvalidSettingException {
        Adjustments a = Adjustments.parse(Map.of("graceful_timeout", "5", "timeout", 7, "accesslog", "-",
                "access_log_format", "%(h)s %(L)s", "reuse_port", "yes"));
        assertEquals(5, a.gracefulTimeout());
        assertEquals(7, a.timeout());
        assertEquals("-", a.accessLog());
        assertEquals("%(h)s %(L)s", a.accessLogFormat());
        assertTrue(a.reusePort());
        assertEquals("access_log_format", assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("access_log_format", "%(h)s %(t"))).property());
        assertEquals("timeout", assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("timeout", "-1"))).property());
    }

    @Test
    void workerClassIsSyncOrVirtualAndVirtualNeedsAJvmWithVirtualThreads() throws InvalidSettingException {
        assertEquals(WorkerClass.SYNC, Adjustments.parse(Map.of("worker_class", " SYNC ")).workerClass());
        InvalidSettingException gevent = assertThrows(InvalidSettingException.class,
                () -> Adjustments.parse(Map.of("worker_class", "gevent")));
        assertEquals("worker_class", gevent.property());
        assertTrue(gevent.getMessage().contains("neither sync nor virtual"), gevent.getMessage());
        if (Runtime.version().feature() >= 21) {
            assertEquals(WorkerClass.VIRTUAL, Adjustments.parse(Map.of("worker_class", "virtual")).workerClass());
        } else {
            InvalidSettingException old = assertThrows(InvalidSettingException.class,
                    () -> Adjustments.parse(Map.of("worker_class", "virtual")));
            assertEquals("worker_class", old.property());
            assertTrue(old.getMessage().contains("needs Java 21 or later"), old.getMessage());
        }
    }

    @Test
    void proxyProtocolSettings() throws InvalidSettingException {
        Adjustments defaults = Adjustments.defaults();
        assertEquals(ProxyProtocol.OFF, defaults.proxyProtocol());
        assertEquals(List.of("127.0.0.1", "0:0:0:0:0:0:0:1"), defaults.proxyAllowIps());
        assertEquals(ProxyProtocol.AUTO, Adjustments.parse(Map.of("proxy_protocol", true)).proxyProtocol());
        assertEquals(ProxyProtocol.V2, Adjustments.parse(Map.of("proxy_protocol", "V2")).proxyProtocol());
        assertEquals(List.of("10.0.0.0/8", "*", "fd00:0:0:0:0:0:0:0/8", "2001:db8:0:0:0:0:0:5"), Adjustments.parse(Map.of(
                "proxy_allow_ips", "10.0.0.0/8, *,[fd00::]/8 2001:db8::5")).proxyAllowIps());
        refused("proxy_protocol", "proxy_protocol", "v3");
        for (String bad : List.of("proxy.example", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8")) {
            refused("proxy_allow_ips", "proxy_allow_ips", bad);
        }
    }

    @Test
    void problemsAreEveryBadValueThenTheFirstBrokenRelation() {
        assertEquals(List.of(), Adjustments.problems(Map.of("threads", 8, "listen", "127.0.0.1:1")));
        assertEquals(List.of("port", "ipv6", "threads"), Adjustments.problems(Map.of("port", "x", "threads", 0,
                "ipv6", "perhaps")).stream().map(InvalidSettingException::property).toList());
        assertEquals(List.of("keyfile"), Adjustments.problems(Map.of("keyfile", "/k.pem")).stream()
                .map(InvalidSettingException::property).toList());
    }

    @Test
    void everySettingIsAKnownProperty() {
        Map<String, Object> all = new HashMap<>();
        for (String name : Adjustments.PROPERTIES) {
            all.put(name, "x");
        }
        assertEquals(Set.of(), Adjustments.unknownProperties(all));
        assertEquals(51, Adjustments.PROPERTIES.size());
    }
}
