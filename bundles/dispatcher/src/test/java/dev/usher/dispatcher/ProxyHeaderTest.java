package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** PROXY protocol headers, versions 1 and 2, whole, in parts, and malformed. */
class ProxyHeaderTest {

    static byte[] v1(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A version 2 header: command 1 (PROXY) or 0 (LOCAL), family 1 (INET) or 2 (INET6), TLVs after. */
    static byte[] v2(int command, int family, byte[] source, byte[] destination, int sourcePort, int destinationPort,
            byte[] tlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ProxyHeader.V2_SIGNATURE);
        out.write(0x20 | command);
        out.write(family << 4 | 1);
        int length = source.length + destination.length + 4 + tlvs.length;
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(source);
        out.writeBytes(destination);
        out.write(sourcePort >> 8);
        out.write(sourcePort & 0xff);
        out.write(destinationPort >> 8);
        out.write(destinationPort & 0xff);
        out.writeBytes(tlvs);
        return out.toByteArray();
    }

    private static ProxyHeader readAll(byte[] bytes, String after) throws Exception {
        byte[] rest = after.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + rest.length).put(bytes).put(rest).flip();
        ProxyHeader header = ProxyHeader.read(buffer);
        assertEquals(after, StandardCharsets.US_ASCII.decode(buffer).toString(), "the bytes after the header");
        return header;
    }

    private static ProxyHeader.Proxied proxied(String host, int port, String toHost, int toPort) throws Exception {
        return new ProxyHeader.Proxied(new InetSocketAddress(InetAddress.getByName(host), port),
                new InetSocketAddress(InetAddress.getByName(toHost), toPort));
    }

    @Test
    void version1NamesTheClient() throws Exception {
        assertEquals(proxied("192.0.2.7", 56324, "198.51.100.1", 443),
                readAll(v1("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443"), "GET / HTTP/1.1\r\n"));
        assertEquals(proxied("2001:db8::7", 1, "2001:db8::1", 65535),
                readAll(v1("PROXY TCP6 2001:db8::7 2001:db8::1 1 65535"), "x"));
        assertInstanceOf(ProxyHeader.Local.class, readAll(v1("PROXY UNKNOWN"), "GET"));
        assertInstanceOf(ProxyHeader.Local.class, readAll(v1("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2"), ""));
    }

    @Test
    void version2NamesTheClientAndSkipsTlvs() throws Exception {
        byte[] tlvs = {0x01, 0x00, 0x02, 'h', '2', 0x04, 0x00, 0x00};
        assertEquals(proxied("192.0.2.7", 56324, "198.51.100.1", 443), readAll(v2(1, 1,
                new byte[] {(byte) 192, 0, 2, 7}, new byte[] {(byte) 198, 51, 100, 1}, 56324, 443, tlvs), "GET"));
        byte[] six = InetAddress.getByName("2001:db8::7").getAddress();
        byte[] sixTo = InetAddress.getByName("2001:db8::1").getAddress();
        assertEquals(proxied("2001:db8::7", 80, "2001:db8::1", 8080), readAll(v2(1, 2, six, sixTo, 80, 8080,
                new byte[0]), "\u0016\u0003\u0001"));
        assertInstanceOf(ProxyHeader.Local.class, readAll(v2(0, 0, new byte[0], new byte[0], 0, 0, new byte[0])
                .clone(), "GET"));
    }

    @Test
    void aHeaderInPartsIsReadOnceWhole() throws Exception {
        for (byte[] whole : new byte[][] {v1("PROXY TCP4 10.1.2.3 10.0.0.1 4000 80"),
            v2(1, 1, new byte[] {10, 1, 2, 3}, new byte[] {10, 0, 0, 1}, 4000, 80, new byte[] {(byte) 0xEE, 0, 1, 9})}) {
            for (int part = 0; part < whole.length; part++) {
                ByteBuffer buffer = ByteBuffer.wrap(whole, 0, part);
                assertNull(ProxyHeader.read(buffer), part + " bytes");
                assertEquals(0, buffer.position());
            }
            assertEquals(proxied("10.1.2.3", 4000, "10.0.0.1", 80), ProxyHeader.read(ByteBuffer.wrap(whole)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1", "PROXY TCP4 10.1.2.3 10.0.0.1 4000", "PROXY TCP5 10.1.2.3 10.0.0.1 4000 80",
        "PROXY TCP4 10.1.2.300 10.0.0.1 4000 80", "PROXY TCP4 010.1.2.3 10.0.0.1 4000 80",
        "PROXY TCP4 example.com 10.0.0.1 4000 80", "PROXY TCP4 ::1 10.0.0.1 4000 80",
        "PROXY TCP6 10.1.2.3 ::1 4000 80", "PROXY TCP6 ::1 fe80::1%eth0 1 2", "PROXY TCP4 10.1.2.3 10.0.0.1 4000 65536",
        "PROXY TCP4 10.1.2.3 10.0.0.1 -1 80", "PROXY TCP4  10.1.2.3 10.0.0.1 1 80", "proxy TCP4 10.1.2.3 10.0.0.1 1 80"})
    void malformedVersion1IsRefused(String line) {
        assertThrows(ProxyProtocolException.class, () -> ProxyHeader.read(ByteBuffer.wrap(v1(line))), line);
    }

    @Test
    void version1WithoutCrlfOrTooLongIsRefused() {
        assertThrows(ProxyProtocolException.class, () -> ProxyHeader.read(ByteBuffer.wrap(
                "PROXY TCP4 10.1.2.3 10.0.0.1 1 80\n".getBytes(StandardCharsets.US_ASCII))));
        byte[] endless = ("PROXY TCP6 " + "1:".repeat(60)).getBytes(StandardCharsets.US_ASCII);
        ProxyProtocolException e = assertThrows(ProxyProtocolException.class,
                () -> ProxyHeader.read(ByteBuffer.wrap(endless)));
        assertTrue(e.getMessage().contains("107"), e.getMessage());
    }

    @Test
    void malformedVersion2IsRefused() {
        byte[] good = v2(1, 1, new byte[] {10, 1, 2, 3}, new byte[] {10, 0, 0, 1}, 1, 2, new byte[0]);
        byte[] version1Byte = good.clone();
        version1Byte[12] = 0x11;
        byte[] badCommand = good.clone();
        badCommand[12] = 0x22;
        byte[] tooShortForItsFamily = good.clone();
        tooShortForItsFamily[13] = 0x21;
        byte[] badSignature = good.clone();
        badSignature[7] = 0x50;
        byte[] huge = good.clone();
        huge[14] = 0x7f;
        for (byte[] bad : new byte[][] {version1Byte, badCommand, tooShortForItsFamily, badSignature, huge}) {
            assertThrows(ProxyProtocolException.class, () -> ProxyHeader.read(ByteBuffer.wrap(bad)));
        }
    }
}
