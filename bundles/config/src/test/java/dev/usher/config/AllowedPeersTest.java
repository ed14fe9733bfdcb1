package dev.usher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Allowed peers as a connection asks them ({@code proxy_allow_ips}, the status page's {@code allow_ips}). */
class AllowedPeersTest {

    @Test
    void addressesAndNetworksOfBothFamilies() {
        AllowedPeers peers = AllowedPeers.of(List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "10.1.0.0/16", "192.168.7.128/25",
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
        assertTrue(AllowedPeers.of(List.of("*")).allows("localhost"));
        AllowedPeers v4 = AllowedPeers.of(List.of("0.0.0.0/0"));
        assertTrue(v4.allows("203.0.113.9"));
        assertFalse(v4.allows("2001:db8:0:0:0:0:0:1"));
        assertFalse(AllowedPeers.of(List.of()).allows("127.0.0.1"));
    }

    @Test
    void parseReadsListsAndTextAndNamesThePropertyOfABadEntry() throws InvalidSettingException {
        AllowedPeers peers = AllowedPeers.parse("allow_ips", "127.0.0.1, ::1 10.0.0.0/8");
        assertEquals(List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "10.0.0.0/8"), peers.entries());
        assertTrue(peers.allows("0:0:0:0:0:0:0:1"));
        assertTrue(AllowedPeers.parse("allow_ips", new String[] {"*"}).allows("localhost"));
        InvalidSettingException bad = assertThrows(InvalidSettingException.class,
                () -> AllowedPeers.parse("allow_ips", "127.0.0.1,example.org"));
        assertTrue(bad.getMessage().contains("allow_ips") && bad.getMessage().contains("example.org"), bad.getMessage());
        assertThrows(InvalidSettingException.class, () -> AllowedPeers.parse("allow_ips", "10.0.0.0/33"));
    }
}
