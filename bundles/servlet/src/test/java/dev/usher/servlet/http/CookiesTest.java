package dev.usher.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.Cookie;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The {@code Cookie} field read (RFC 6265 4.2, 5.4) and {@code Set-Cookie} written (4.1). */
class CookiesTest {

    private static final long NOW = 784_111_777_000L;

    private static List<String> pairs(Cookie[] cookies) {
        List<String> pairs = new ArrayList<>();
        for (Cookie cookie : cookies) {
            pairs.add(cookie.getName() + "=" + cookie.getValue());
        }
        return pairs;
    }

    @Test
    void readsThePairsOfEveryField() {
        Cookie[] cookies = Cookies.parse(List.of("a=1; b=2", "c=3"));
        assertEquals(List.of("a=1", "b=2", "c=3"), pairs(cookies));
    }

    @Test
    void removesDoubleQuotesAroundAValueAndTrimsWhitespace() {
        assertEquals(List.of("a=x y", "b=", "c=\"half"),
                pairs(Cookies.parse(List.of("a=\"x y\";b=\"\" ;  c = \"half "))));
    }

    @Test
    void keepsEqualsSignsInTheValue() {
        assertEquals(List.of("token=abc==", "e="), pairs(Cookies.parse(List.of("token=abc==; e="))));
    }

    @Test
    void skipsPairsWithoutAValidNameAndKeepsTheRest() {
        Cookie[] cookies = Cookies.parse(List.of("a b=1; =2; lonely; c(d)=3; ok=4; ;", "\u00e9=5; last=6"));
        assertEquals(List.of("ok=4", "last=6"), pairs(cookies));
    }

    @Test
    void noCookiesIsAnEmptyArrayNotNull() {
        Cookie[] none = Cookies.parse(List.of());
        assertNotNull(none);
        assertEquals(0, none.length);
        assertEquals(0, Cookies.parse(List.of("", "junk")).length);
    }

    @Test
    void writesNameAndValueAlone() {
        assertEquals("id=42", Cookies.format(new Cookie("id", "42")));
        assertEquals("id=", Cookies.format(new Cookie("id", null)));
    }

    @Test
    void writesMaxAgeWithExpiresThenTheOtherAttributesOnce() {
        Cookie cookie = new Cookie("id", "42");
        cookie.setMaxAge(60);
        cookie.setDomain("example.org");
        cookie.setPath("/app");
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", "Lax");
        assertEquals("id=42; Max-Age=60; Expires=Sun, 06 Nov 1994 08:50:37 GMT; Domain=example.org; Path=/app; "
                + "Secure; HttpOnly; SameSite=Lax", Cookies.format(cookie, NOW));
    }

    @Test
    void maxAgeZeroExpiresAtTheEpoch() {
        Cookie cookie = new Cookie("id", "");
        cookie.setMaxAge(0);
        assertEquals("id=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT", Cookies.format(cookie, NOW));
    }

    @Test
    void aSessionCookieHasNeitherMaxAgeNorExpires() {
        Cookie cookie = new Cookie("id", "42");
        cookie.setMaxAge(-1);
        cookie.setSecure(false);
        cookie.setHttpOnly(false);
        String field = Cookies.format(cookie);
        assertEquals("id=42", field, "Secure=false and HttpOnly=false are not written");
    }

    @Test
    void anAttributeWithoutValueIsWrittenAsAFlag() {
        Cookie cookie = new Cookie("id", "42");
        cookie.setAttribute("Partitioned", "");
        assertEquals("id=42; Partitioned", Cookies.format(cookie));
    }

    @Test
    void attributesSetByNameAreNotWrittenTwice() {
        Cookie cookie = new Cookie("id", "42");
        cookie.setAttribute("max-age", "5");
        cookie.setAttribute("path", "/p");
        String field = Cookies.format(cookie, NOW);
        assertEquals("id=42; Max-Age=5; Expires=Sun, 06 Nov 1994 08:49:42 GMT; Path=/p", field);
    }

    @Test
    void anExpiresAttributeGivesWayToMaxAge() {
        Cookie cookie = new Cookie("id", "42");
        cookie.setAttribute("Expires", "Wed, 01 Jan 2031 00:00:00 GMT");
        assertEquals("id=42; Expires=Wed, 01 Jan 2031 00:00:00 GMT", Cookies.format(cookie, NOW));
        cookie.setMaxAge(1);
        assertEquals("id=42; Max-Age=1; Expires=Sun, 06 Nov 1994 08:49:38 GMT", Cookies.format(cookie, NOW));
    }

    @Test
    void aValueWithSpacesOrCommasIsQuoted() {
        assertEquals("v=\"a b,c\"", Cookies.format(new Cookie("v", "a b,c")));
        assertEquals("v=\"already\"", Cookies.format(new Cookie("v", "\"already\"")), "quotes already there stay");
    }

    @Test
    void aQuotedValueReadsBackAsItWas() {
        String field = Cookies.format(new Cookie("v", "a b"));
        Cookie[] back = Cookies.parse(List.of(field));
        assertEquals("a b", back[0].getValue());
    }

    @Test
    void aValueQuotesCannotSaveIsRefusedNamingTheCookie() {
        for (String value : new String[] {"a;b", "say \"hi\"", "back\\slash", "tab\there", "caf\u00e9", "\"a;b\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Cookies.format(new Cookie("bad", value)), value);
            assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
        }
    }

    @Test
    void anAttributeValueWithASemicolonOrControlIsRefused() {
        Cookie semicolon = new Cookie("c", "1");
        semicolon.setAttribute("SameSite", "Lax; Secure");
        assertThrows(IllegalArgumentException.class, () -> Cookies.format(semicolon));
        Cookie control = new Cookie("c", "1");
        control.setPath("/a\r\nSet-Cookie: x=y");
        assertThrows(IllegalArgumentException.class, () -> Cookies.format(control));
    }

    @Test
    void tokensAreRfc9110s() {
        assertTrue(Cookies.isToken("a-Z_0.9!#$%&'*+^`|~"));
        for (String name : new String[] {"", "a b", "a=b", "a;b", "a\"b", "a,b", "(a)", "a/b", "\u00e9"}) {
            assertEquals(false, Cookies.isToken(name), name);
        }
    }
}
