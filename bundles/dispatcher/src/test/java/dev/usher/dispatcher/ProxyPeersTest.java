package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code proxy_allow_ips} as the accept asks it: addresses, networks, any. */
class ProxyPeersTest {

    @Test
    void addressesAndNetworksOfBothFamilies() {
        ProxyPeers peers = ProxyPeers.of(List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "10.1.0.0/16", "192.168.7.128/25",
                "fd00:0:0:0:0:0:0:0/8"));
        assertTrue(peers.allows("127.0.0.1"));
        assertFalse(peers.allows("127.0.0.2"));
        assertTrue(peers.allows("0:0:0:0:0:0:0:1"));
        assertTrue(peers.allows("10.1.255.3"));
        assertFalse(peers.allows("10.2.0.1"));
        assertTrue(peers.allows("192.168.7.200"));
        assertFalse(peers.allows("192.168.7.127"), "below the /25");
        assertTrue(peers.allows("fdab:0:0:0:0:0:0:1"));
        assertFalse(peers.allows("fe80:0:0:0:0:0:0:1"));
        assertFalse(peers.allows("localhost"), "a unix socket peer needs *");
    }

    @Test
    void starAllowsEveryPeerAndZeroPrefixEveryAddressOfItsFamily() {
        assertTrue(ProxyPeers.of(List.of("*")).allows("localhost"));
        ProxyPeers v4 = ProxyPeers.of(List.of("0.0.0.0/0"));
        assertTrue(v4.allows("203.0.113.9"));
        assertFalse(v4.allows("2001:db8:0:0:0:0:0:1"));
        assertFalse(ProxyPeers.of(List.of()).allows("127.0.0.1"));
    }
}
