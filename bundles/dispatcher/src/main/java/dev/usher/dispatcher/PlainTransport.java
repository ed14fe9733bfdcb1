package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ByteChannel;
import java.security.cert.X509Certificate;
import java.util.List;

/** Plain HTTP: bytes go to and from the socket as they are, file regions with {@code transferTo}. */
final class PlainTransport implements Transport {

    private final ByteChannel channel;

    /** @param channel the socket (any channel in tests) */
    PlainTransport(ByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return channel.read(destination);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return channel.write(source);
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        return file.transferTo(position, count, channel);
    }

    @Override
    public boolean hasBufferedOutput() {
        return false;
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public boolean handshaking() {
        return false;
    }

    @Override
    public int minimumReadBuffer() {
        return 1;
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return List.of();
    }

    @Override
    public void resumeWith(Runnable resume) {
        // nothing runs off the loop
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }
}
