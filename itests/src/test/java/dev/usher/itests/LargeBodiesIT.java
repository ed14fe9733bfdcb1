package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.api.HttpApplication;
import dev.usher.itests.ClientConnection.Response;

/**
 * Bodies far larger than what a server should hold (issue 5): a 200 MB upload to the demo's
 * streaming {@code /upload}, with {@code Content-Length} and chunked, while the heap of this
 * JVM (the container's: pax-exam's native container runs in-process, with {@code -Xmx256m} from
 * the failsafe configuration) stays far below the body's size; and a 50 MB file sent with
 * {@code sendFile}, the I/O loop's {@code transferTo}, which closes the file after.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LargeBodiesIT extends UsherTestSupport {

    private static final long MB = 1024 * 1024;
    private static final long UPLOAD_SIZE = 200 * MB;
    /** How far the used heap may rise above its level before an upload. */
    private static final long HEAP_ALLOWANCE = 100 * MB;
    private static final long FILE_SIZE = 50 * MB;
    private static final Pattern UPLOAD_ANSWER =
            Pattern.compile("\\{\"body_length\":(\\d+),\"body_sha256\":\"([0-9a-f]{64})\"\\}");

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void uploadOf200MbWithContentLengthIsStreamed() throws Exception {
        upload(false);
    }

    @Test
    public void chunkedUploadOf200MbIsStreamed() throws Exception {
        upload(true);
    }

    private void upload(boolean chunked) throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, "/");
        Map<String, String> headers = chunked
                ? Map.of("Content-Type", "application/octet-stream", "Transfer-Encoding", "chunked")
                : Map.of("Content-Type", "application/octet-stream", "Content-Length", Long.toString(UPLOAD_SIZE));

        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "uploader"));
        try (ClientConnection connection = ClientConnection.open(port); HeapSampler heap = HeapSampler.start()) {
            long started = System.nanoTime();
            Future<String> sent = executor.submit(() -> {
                OutputStream body = connection.sendHead("POST", "/upload", headers);
                return chunked ? sendChunked(body, 0xC0FFEE) : sendPlain(body, 0xC0FFEE);
            });
            String expected;
            try {
                expected = sent.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                connection.close(); // unblocks the writer
                throw new AssertionError("the upload did not finish within 60 s; " + heap, e);
            }
            Response response = connection.readResponse();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("%s upload of %d MB: %d ms; %s%n", chunked ? "chunked" : "Content-Length",
                    UPLOAD_SIZE / MB, millis, heap);

            assertEquals("status of " + response, 200, response.status());
            Matcher answer = UPLOAD_ANSWER.matcher(response.text());
            assertTrue("the upload application's answer: " + response.text(), answer.matches());
            assertEquals("body_length", UPLOAD_SIZE, Long.parseLong(answer.group(1)));
            assertEquals("body_sha256", expected, answer.group(2));
            assertTrue("the used heap rose by " + heap.peakAboveBaseline() / MB + " MB during a "
                    + UPLOAD_SIZE / MB + " MB upload, more than the " + HEAP_ALLOWANCE / MB + " MB allowed: the body "
                    + "was held in memory? " + heap, heap.peakAboveBaseline() < HEAP_ALLOWANCE);

            // the connection goes on after the big body
            Response small = connection.request("POST", "/upload", Map.of(), "abc".getBytes(StandardCharsets.UTF_8));
            assertEquals("{\"body_length\":3,\"body_sha256\":\"" + sha256("abc".getBytes(StandardCharsets.UTF_8))
                    + "\"}", small.text());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Writes {@link #UPLOAD_SIZE} bytes of a seeded PRNG as they are made; returns their SHA-256. */
    private static String sendPlain(OutputStream socket, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[64 * 1024];
        for (long left = UPLOAD_SIZE; left > 0; ) {
            int n = (int) Math.min(left, block.length);
            random.nextBytes(block);
            sha256.update(block, 0, n);
            socket.write(block, 0, n);
            left -= n;
        }
        socket.flush();
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * Writes {@link #UPLOAD_SIZE} bytes of a seeded PRNG as chunks of random sizes (1 byte to
     * 128 KiB); returns their SHA-256.
     */
    private static String sendChunked(OutputStream socket, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom sizes = new SplittableRandom(seed + 1);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        OutputStream out = new BufferedOutputStream(socket, 64 * 1024);
        byte[] block = new byte[128 * 1024];
        for (long left = UPLOAD_SIZE; left > 0; ) {
            int n = (int) Math.min(left, 1 + sizes.nextInt(block.length));
            random.nextBytes(block);
            sha256.update(block, 0, n);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(block, 0, n);
            out.write('\r');
            out.write('\n');
            left -= n;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return HexFormat.of().formatHex(sha256.digest());
    }

    @Test
    public void fileOf50MbIsSentWithSendFileAndClosedAfter() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, "/");
        Path file = Files.createTempFile("usher-sendfile-", ".bin");
        try {
            String expected = writeRandomFile(file, FILE_SIZE, 42);
            List<FileChannel> opened = new CopyOnWriteArrayList<>();
            HttpApplication sender = (request, response) -> {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                opened.add(channel);
                response.setHeader("Content-Type", "application/octet-stream");
                if ("part".equals(request.query())) {
                    response.sendFile(channel, 1_000_003, MB);
                } else {
                    response.sendFile(channel, 0, channel.size());
                }
            };
            registerApplication(sender, "/file", null);

            try (ClientConnection connection = ClientConnection.open(port)) {
                long started = System.nanoTime();
                connection.send("GET", "/file", Map.of(), new byte[0]);
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                CountingOutputStream received = new CountingOutputStream();
                Response response = connection.readResponse(new DigestOutputStream(received, sha256));
                System.out.printf("sendFile of %d MB received in %d ms%n", FILE_SIZE / MB,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

                assertEquals("status of " + response, 200, response.status());
                assertEquals("Content-Length of " + response, Long.toString(FILE_SIZE), response.header("Content-Length"));
                assertEquals("bytes received", FILE_SIZE, received.count);
                assertEquals("SHA-256 of what was received", expected, HexFormat.of().formatHex(sha256.digest()));
                assertEquals(1, opened.size());
                FileChannel channel = opened.get(0);
                Await.condition("the server to close the FileChannel it sent", () -> !channel.isOpen());

                // a part of the file, on the same connection
                Response part = connection.request("GET", "/file?part", Map.of(), new byte[0]);
                assertEquals("status of the part", 200, part.status());
                assertEquals(Long.toString(MB), part.header("Content-Length"));
                assertEquals("the part's bytes", sha256(slice(file, 1_000_003, (int) MB)), sha256(part.body()));
                assertEquals(2, opened.size());
                Await.condition("the server to close the second FileChannel", () -> !opened.get(1).isOpen());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Fills {@code file} with {@code size} bytes of a seeded PRNG; returns their SHA-256. */
    private static String writeRandomFile(Path file, long size, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1024 * 1024];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(left, block.length);
                random.nextBytes(block);
                sha256.update(block, 0, n);
                ByteBuffer buffer = ByteBuffer.wrap(block, 0, n);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                left -= n;
            }
        }
        assertEquals(size, Files.size(file));
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static byte[] slice(Path file, long position, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                assertFalse("file too short", channel.read(buffer, position + buffer.position()) < 0);
            }
            return buffer.array();
        }
    }

    /** Counts and discards. */
    private static final class CountingOutputStream extends OutputStream {

        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
