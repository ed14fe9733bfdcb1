package dev.usher.config;

import static dev.usher.config.AdjustmentsTest.parse;
import static dev.usher.config.AdjustmentsTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code trusted_proxy}, {@code trusted_proxy_count}, {@code trusted_proxy_headers}. */
class TrustedProxyTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "10.0.0.254, 10.0.0.254",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "' 192.0.2.1 ', 192.0.2.1",
        "*, *",
        "localhost, localhost",
        "LocalHost, localhost",
        "::1, 0:0:0:0:0:0:0:1",
        "[::1], 0:0:0:0:0:0:0:1",
        "2001:DB8::1, 2001:db8:0:0:0:0:0:1",
        "2001:db8:0:0:0:0:0:1, 2001:db8:0:0:0:0:0:1",
        "::ffff:192.0.2.1, 192.0.2.1",
        "::, 0:0:0:0:0:0:0:0"})
    void trustedProxyIsAnAddressAStarOrLocalhost(String value, String expected) throws InvalidSettingException {
        assertEquals(expected, parse("trusted_proxy", value).trustedProxy());
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "localhost.localdomain", "256.0.0.1", "1.2.3", "1.2.3.4.5",
        "01.2.3.4", "1.2.3.4:80", "[::1]:80", "::1::2", "g::1", ".::1", "fe80::1%eth0", "1.2.3.-4", "**",
        "127.0.0.1 10.0.0.1", "0x7f.0.0.1", "2001:db8::1/64"})
    void anythingElseIsRefused(String value) {
        refused("trusted_proxy", "trusted_proxy", value);
    }

    @Test
    void anEmptyTrustedProxyIsNone() throws InvalidSettingException {
        assertEquals(Adjustments.defaults(), parse("trusted_proxy", ""));
        assertEquals(Adjustments.defaults(), parse("trusted_proxy", " "));
    }

    @Test
    void aTrustedProxyTrustsOnlyXForwardedProtoByDefault() throws InvalidSettingException {
        Adjustments a = parse("trusted_proxy", "127.0.0.1");
        assertEquals(Set.of("x-forwarded-proto"), a.trustedProxyHeaders());
        assertEquals(1, a.trustedProxyCount());
        assertEquals(Set.of("x-forwarded-proto"),
                parse("trusted_proxy", "*", "trusted_proxy_headers", "").trustedProxyHeaders());
        assertEquals(Set.of("x-forwarded-proto"),
                parse("trusted_proxy", "*", "trusted_proxy_headers", new String[0]).trustedProxyHeaders());
    }

    @Test
    void trustedProxyCount() throws InvalidSettingException {
        assertEquals(3, parse("trusted_proxy", "*", "trusted_proxy_count", "3").trustedProxyCount());
        assertEquals(2, parse("trusted_proxy", "*", "trusted_proxy_count", 2).trustedProxyCount());
        assertEquals(2, parse("trusted_proxy", "*", "trusted_proxy_count", 2L).trustedProxyCount());
        refused("trusted_proxy_count", "trusted_proxy", "*", "trusted_proxy_count", 0);
        refused("trusted_proxy_count", "trusted_proxy", "*", "trusted_proxy_count", "-1");
        refused("trusted_proxy_count", "trusted_proxy", "*", "trusted_proxy_count", "two");
    }

    @Test
    void trustedProxyCountNeedsATrustedProxy() {
        refused("trusted_proxy_count", "trusted_proxy_count", 1);
        refused("trusted_proxy_count", "trusted_proxy_count", "2");
        refused("trusted_proxy_count", "trusted_proxy", "", "trusted_proxy_count", "2");
    }

    @Test
    void headersAreSplitBySpacesAndCommasInAnyCase() throws InvalidSettingException {
        Set<String> three = Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");
        for (Object value : List.of(
                "x-forwarded-for x-forwarded-host x-forwarded-proto",
                "X-Forwarded-For, X-Forwarded-Host,X-Forwarded-Proto",
                " x-forwarded-for\n x-forwarded-host\tx-forwarded-proto ",
                "x-forwarded-for x-forwarded-for x-forwarded-host x-forwarded-proto",
                new String[] {"x-forwarded-for", "X-FORWARDED-HOST", "x-forwarded-proto"},
                new String[] {"x-forwarded-for x-forwarded-host", "x-forwarded-proto"},
                List.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"))) {
            assertEquals(three, parse("trusted_proxy", "10.0.0.1", "trusted_proxy_headers", value)
                    .trustedProxyHeaders(), String.valueOf(value));
        }
        assertEquals(Set.of("forwarded"),
                parse("trusted_proxy", "*", "trusted_proxy_headers", "Forwarded").trustedProxyHeaders());
        assertEquals(Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port",
                "x-forwarded-by"), parse("trusted_proxy", "*", "trusted_proxy_headers",
                        "x-forwarded-for x-forwarded-host x-forwarded-proto x-forwarded-port x-forwarded-by")
                        .trustedProxyHeaders());
        assertEquals(Set.of("x-forwarded-for"),
                parse("trusted_proxy", "*", "trusted_proxy_headers", "x-forwarded-for").trustedProxyHeaders());
    }

    @Test
    void headersAreImmutable() throws InvalidSettingException {
        Set<String> headers = parse("trusted_proxy", "*", "trusted_proxy_headers", "x-forwarded-for")
                .trustedProxyHeaders();
        assertThrows(UnsupportedOperationException.class, () -> headers.add("forwarded"));
        assertThrows(UnsupportedOperationException.class, () -> Adjustments.defaults().trustedProxyHeaders()
                .add("forwarded"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-forwarded-server", "x_forwarded_for", "x-real-ip", "host", "x-forwarded-for;"})
    void unknownHeadersAreRefused(String header) {
        InvalidSettingException e = refused("trusted_proxy_headers",
                "trusted_proxy", "*", "trusted_proxy_headers", "x-forwarded-proto " + header);
        assertTrue(e.getMessage().contains(header), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port",
        "x-forwarded-by"})
    void forwardedExcludesEveryXForwardedHeader(String header) {
        refused("trusted_proxy_headers", "trusted_proxy", "*", "trusted_proxy_headers", "forwarded " + header);
        refused("trusted_proxy_headers", "trusted_proxy", "*", "trusted_proxy_headers",
                new String[] {header, "Forwarded"});
    }

    @Test
    void headersNeedATrustedProxy() throws InvalidSettingException {
        refused("trusted_proxy_headers", "trusted_proxy_headers", "x-forwarded-for");
        refused("trusted_proxy_headers", "trusted_proxy", "", "trusted_proxy_headers", "forwarded");
        // as in waitress, an empty list without a trusted proxy is no error
        assertEquals(Set.of(), parse("trusted_proxy_headers", "").trustedProxyHeaders());
        assertEquals(Set.of(), parse("trusted_proxy_headers", new String[0]).trustedProxyHeaders());
    }

    @Test
    void untrustedHeaderSwitchesStandAlone() throws InvalidSettingException {
        // waitress accepts both without a trusted proxy (clear_untrusted_proxy_headers since 1.2.0b3)
        Adjustments a = parse("clear_untrusted_proxy_headers", "false", "log_untrusted_proxy_headers", "true");
        assertFalse(a.clearUntrustedProxyHeaders());
        assertTrue(a.logUntrustedProxyHeaders());
    }
}
