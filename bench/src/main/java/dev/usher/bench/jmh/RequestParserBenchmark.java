package dev.usher.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.usher.http1.InvalidRequestException;
import dev.usher.http1.ParserLimits;
import dev.usher.http1.RequestParser;
import dev.usher.http1.RequestParser.Step;

/**
 * Usher's {@link RequestParser} on two requests, each in one buffer, one parser reused across
 * operations as on a keep-alive connection (the buffer is rewound per operation):
 *
 * <ul>
 *   <li>{@link #browserGet}: a Chrome navigation GET of {@value #BROWSER_GET_NOTE}.
 *   <li>{@link #chunkedPost}: a POST whose 64 KiB body comes in 16 chunks of 4 KiB, two of them
 *       with chunk extensions, and a trailer; the body slices are consumed without copying.
 * </ul>
 *
 * Run: {@code java -jar bench/target/benchmarks.jar RequestParserBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s}.
 * Derive per-byte figures from ns/op and the sizes {@link #main} prints.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RequestParserBenchmark {

    static final String BROWSER_GET_NOTE = "599 bytes";

    static final String BROWSER_GET = "GET /index.html HTTP/1.1\r\n"
            + "Host: localhost:8080\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\", \"Not?A_Brand\";v=\"99\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/130.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Cookie: sid=3f2a9c17\r\n"
            + "\r\n";

    static final int CHUNKS = 16;
    static final int CHUNK_SIZE = 4096;

    /** Where the bytes live: a direct buffer as Usher's socket reads use, or a heap one. */
    @Param({"direct", "heap"})
    public String buffer;

    private RequestParser parser;
    private ByteBuffer browserGet;
    private ByteBuffer chunkedPost;

    @Setup(Level.Trial)
    public void setUp() throws InvalidRequestException {
        parser = new RequestParser(ParserLimits.DEFAULTS);
        browserGet = wrap(BROWSER_GET.getBytes(StandardCharsets.US_ASCII));
        chunkedPost = wrap(chunkedPostBytes());
        // fail fast on a request the parser does not take as meant
        if (browserGet(null) != BROWSER_GET.length()) {
            throw new IllegalStateException("browser GET not parsed as one request");
        }
        if (chunkedPost(null) != (long) CHUNKS * CHUNK_SIZE) {
            throw new IllegalStateException("chunked POST body not parsed in full");
        }
    }

    /** Parses the GET; returns the bytes consumed. */
    @Benchmark
    public int browserGet(Blackhole bh) throws InvalidRequestException {
        ByteBuffer in = browserGet;
        in.position(0);
        RequestParser p = parser;
        while (true) {
            Step step = p.next(in);
            if (step == Step.HEAD) {
                if (bh != null) {
                    bh.consume(p.head());
                }
            } else if (step == Step.END) {
                return in.position();
            } else {
                throw new IllegalStateException(step.toString());
            }
        }
    }

    /** Parses the POST, handing each body slice to the blackhole; returns the body bytes. */
    @Benchmark
    public long chunkedPost(Blackhole bh) throws InvalidRequestException {
        ByteBuffer in = chunkedPost;
        in.position(0);
        RequestParser p = parser;
        long body = 0;
        while (true) {
            switch (p.next(in)) {
                case HEAD:
                    if (bh != null) {
                        bh.consume(p.head());
                    }
                    break;
                case BODY: {
                    ByteBuffer slice = p.body();
                    body += slice.remaining();
                    if (bh != null) {
                        bh.consume(slice);
                    }
                    break;
                }
                case END:
                    return body;
                default:
                    throw new IllegalStateException("NEED_INPUT");
            }
        }
    }

    static byte[] chunkedPostBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "POST /upload HTTP/1.1\r\n"
                + "Host: localhost:8080\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "Trailer: Checksum\r\n"
                + "\r\n");
        byte[] data = new byte[CHUNK_SIZE];
        for (int c = 0; c < CHUNKS; c++) {
            for (int i = 0; i < CHUNK_SIZE; i++) {
                data[i] = (byte) ('a' + (c + i) % 26);
            }
            String extension = c == 3 ? ";name=value" : c == 9 ? " ; sig=\"a1b2 c3\"" : "";
            write(out, Integer.toHexString(CHUNK_SIZE) + extension + "\r\n");
            out.write(data, 0, CHUNK_SIZE);
            write(out, "\r\n");
        }
        write(out, "0\r\nChecksum: 4f2a77c1\r\n\r\n");
        return out.toByteArray();
    }

    private ByteBuffer wrap(byte[] bytes) {
        ByteBuffer b = buffer.equals("heap") ? ByteBuffer.allocate(bytes.length) : ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Prints the sizes the per-byte figures divide by. */
    public static void main(String[] args) {
        System.out.println("browserGet: " + BROWSER_GET.length() + " bytes");
        System.out.println("chunkedPost: " + chunkedPostBytes().length + " bytes on the wire, "
                + CHUNKS * CHUNK_SIZE + " bytes of body");
    }
}
