package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * waitress's trusted-proxy rules, changed on the running server: proxy fields are believed only
 * from {@code trusted_proxy}, only those in {@code trusted_proxy_headers}, the hop
 * {@code trusted_proxy_count} from the end; the others are hidden from the application; a
 * malformed believed field is a 400. An application that describes the request's origin shows
 * what the server concluded. One idle keep-alive connection is used across every change.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustedProxyIT extends UsherTestSupport {

    /** Every proxy field, with values a chain of three proxies would send. */
    private static final Map<String, String> PROXY_FIELDS = fields(
            "X-Forwarded-For", "192.0.2.1, 198.51.100.7, 203.0.113.5",
            "X-Forwarded-Proto", "https",
            "X-Forwarded-Host", "front.example:8443, proxy.example",
            "X-Forwarded-Port", "9999",
            "X-Forwarded-By", "203.0.113.99",
            "Forwarded", "for=192.0.2.60;proto=https;host=example.org");

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withoutDemo();
    }

    @Test
    public void proxyFieldsFollowTheTrustedProxySettings() throws Exception {
        int port = freePort();
        registerApplication(UsherTestSupport::describeOrigin, "/who", null);
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + port);
        SlowApplication slow = mountSlow("/slow", port);
        String listen = "127.0.0.1:" + port;

        try (ClientConnection idle = ClientConnection.open(port);
                ClientConnection inFlight = ClientConnection.open(port)) {
            // no trusted proxy: nothing believed, every proxy field hidden
            Map<String, String> origin = origin(idle.request("GET", "/who", PROXY_FIELDS, new byte[0]));
            assertDirect(origin, port);
            assertHidden(origin, "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
                    "x-forwarded-by", "forwarded");
            assertEquals("default", origin.get("server"));

            slow.begin(inFlight, "before-trust");
            reconfigure(configuration, "listen", listen, "trusted_proxy", "127.0.0.1",
                    "trusted_proxy_headers", "x-forwarded-for x-forwarded-proto x-forwarded-host",
                    "trusted_proxy_count", "2");
            slow.release();
            slow.assertFinished(inFlight, "before-trust");

            // the hop 2 from the end of each believed field; the fields not believed hidden
            origin = origin(idle.request("GET", "/who", fields(
                    "X-Forwarded-For", "192.0.2.1, 198.51.100.7, 203.0.113.5",
                    "X-Forwarded-Proto", "https",
                    "X-Forwarded-Host", "front.example:8443, proxy.example",
                    "X-Forwarded-Port", "9999",
                    "X-Forwarded-By", "203.0.113.99",
                    "Forwarded", "for=192.0.2.60"), new byte[0]));
            assertEquals(origin.toString(), "198.51.100.7", origin.get("remote_address"));
            assertEquals(origin.toString(), "https", origin.get("scheme"));
            assertEquals(origin.toString(), "front.example", origin.get("host"));
            assertEquals(origin.toString(), "8443", origin.get("port"));
            assertHidden(origin, "x-forwarded-port", "x-forwarded-by", "forwarded");
            // a proto alone: the default port of the scheme
            origin = origin(idle.request("GET", "/who", fields("X-Forwarded-Proto", "https"), new byte[0]));
            assertEquals(origin.toString(), "127.0.0.1", origin.get("remote_address"));
            assertEquals(origin.toString(), "https", origin.get("scheme"));
            assertEquals(origin.toString(), "127.0.0.1", origin.get("host"));
            assertEquals(origin.toString(), "443", origin.get("port"));

            // malformed believed values: 400
            assertBadRequest(port, fields("X-Forwarded-Proto", "https, http, https"),
                    "three X-Forwarded-Proto values with trusted_proxy_count=2");
            assertBadRequest(port, fields("X-Forwarded-Proto", "ftp"), "a scheme other than http/https");
            reconfigure(configuration, "listen", listen, "trusted_proxy", "127.0.0.1",
                    "trusted_proxy_headers", "x-forwarded-for x-forwarded-proto", "trusted_proxy_count", "1");
            assertBadRequest(port, fields("X-Forwarded-Proto", "https, http"),
                    "two X-Forwarded-Proto values with trusted_proxy_count=1");
            origin = origin(idle.request("GET", "/who", PROXY_FIELDS, new byte[0]));
            assertEquals(origin.toString(), "203.0.113.5", origin.get("remote_address"));
            assertEquals(origin.toString(), "https", origin.get("scheme"));
            assertHidden(origin, "x-forwarded-host", "x-forwarded-port", "x-forwarded-by", "forwarded");

            // trusted_proxy alone: only x-forwarded-proto is believed
            reconfigure(configuration, "listen", listen, "trusted_proxy", "127.0.0.1");
            origin = origin(idle.request("GET", "/who", PROXY_FIELDS, new byte[0]));
            assertEquals(origin.toString(), "127.0.0.1", origin.get("remote_address"));
            assertEquals(origin.toString(), "https", origin.get("scheme"));
            assertEquals(origin.toString(), "127.0.0.1", origin.get("host"));
            assertHidden(origin, "x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-by",
                    "forwarded");

            // another peer is trusted: nothing from 127.0.0.1 is believed, everything hidden
            reconfigure(configuration, "listen", listen, "trusted_proxy", "192.0.2.254",
                    "trusted_proxy_headers", "x-forwarded-for x-forwarded-proto x-forwarded-host");
            origin = origin(idle.request("GET", "/who", PROXY_FIELDS, new byte[0]));
            assertDirect(origin, port);
            assertHidden(origin, "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
                    "x-forwarded-by", "forwarded");
            // ... and a malformed field of an untrusted peer is no error, only hidden
            origin = origin(idle.request("GET", "/who", fields("X-Forwarded-Proto", "ftp, gopher"), new byte[0]));
            assertDirect(origin, port);

            // clear_untrusted_proxy_headers=false: not believed, but shown
            reconfigure(configuration, "listen", listen, "clear_untrusted_proxy_headers", "false");
            origin = origin(idle.request("GET", "/who", PROXY_FIELDS, new byte[0]));
            assertDirect(origin, port);
            assertEquals(origin.toString(), "192.0.2.1, 198.51.100.7, 203.0.113.5", origin.get("header.x-forwarded-for"));
            assertEquals(origin.toString(), "https", origin.get("header.x-forwarded-proto"));
            assertEquals(origin.toString(), "for=192.0.2.60;proto=https;host=example.org", origin.get("header.forwarded"));

            // Forwarded from any peer (*)
            reconfigure(configuration, "listen", listen, "trusted_proxy", "*", "trusted_proxy_headers", "forwarded");
            origin = origin(idle.request("GET", "/who", PROXY_FIELDS, new byte[0]));
            assertEquals(origin.toString(), "192.0.2.60", origin.get("remote_address"));
            assertEquals(origin.toString(), "https", origin.get("scheme"));
            assertEquals(origin.toString(), "example.org", origin.get("host"));
            assertEquals(origin.toString(), "443", origin.get("port"));
            assertHidden(origin, "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
                    "x-forwarded-by");
            assertBadRequest(port, fields("Forwarded", "for=192.0.2.60;proto=gopher"), "Forwarded proto=gopher");

            // the connection used across every change still works
            origin = origin(idle.get("/who"));
            assertDirect(origin, port);
        }
    }

    private static void assertDirect(Map<String, String> origin, int port) {
        assertEquals(origin.toString(), "127.0.0.1", origin.get("remote_address"));
        assertEquals(origin.toString(), "http", origin.get("scheme"));
        assertEquals(origin.toString(), "127.0.0.1", origin.get("host"));
        assertEquals(origin.toString(), String.valueOf(port), origin.get("port"));
    }

    private static void assertHidden(Map<String, String> origin, String... names) {
        for (String name : names) {
            assertFalse(name + " should be hidden from the application: " + origin,
                    origin.containsKey("header." + name));
        }
    }

    private static void assertBadRequest(int port, Map<String, String> fields, String what) throws Exception {
        try (ClientConnection connection = ClientConnection.open(port)) {
            Response response = connection.request("GET", "/who", fields, new byte[0]);
            assertEquals(what + " must be refused: " + response, 400, response.status());
        }
    }

    private static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }
}
