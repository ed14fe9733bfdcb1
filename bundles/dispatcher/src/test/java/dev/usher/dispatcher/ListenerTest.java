package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;

import org.junit.jupiter.api.Test;

class ListenerTest {

    @Test
    void ipv6AddressesAreLoggedCompressed() {
        assertEquals("::1", Listener.compressed("0:0:0:0:0:0:0:1"));
        assertEquals("::", Listener.compressed("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::1:0:0:2", Listener.compressed("fe80:0:0:0:1:0:0:2"));
        assertEquals("2001:db8:1:2:3:4:5:6", Listener.compressed("2001:db8:1:2:3:4:5:6"));
        assertEquals("1:0:2:3:4:5:6:7", Listener.compressed("1:0:2:3:4:5:6:7"));
    }

    @Test
    void addressesAreNamedAsTheyAreWritten() throws Exception {
        assertEquals("127.0.0.1:8080", Listeners.describe(new InetSocketAddress("127.0.0.1", 8080)));
        assertEquals("[::1]:80", Listeners.describe(new InetSocketAddress(InetAddress.getByName("::1"), 80)));
        assertEquals("/run/usher.sock", Listeners.describe(UnixDomainSocketAddress.of("/run/usher.sock")));
    }
}
