package dev.usher.http1.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.usher.http1.InvalidRequestException;
import dev.usher.http1.ParserLimits;
import dev.usher.http1.RequestHead;
import dev.usher.http1.RequestParser;
import dev.usher.http1.RequestParser.Step;

/**
 * Coverage-guided fuzzing of {@link RequestParser} with Jazzer.
 *
 * <p>The fuzzer's bytes are one connection's worth of input. They are fed to fresh parsers in
 * four splits: all at once, byte by byte, in slices whose lengths are read from the input's own
 * bytes, and in slices cut at points a PRNG seeded with a hash of the input picks. Every split
 * must satisfy the step-level properties checked in {@link #feed}, and all four must frame the
 * same requests (head, body bytes, trailers) and end with the same error status.
 *
 * <p>Without {@code JAZZER_FUZZ} (plain {@code mvn verify}) this runs in regression mode over
 * the seed files in {@code src/test/resources/dev/usher/http1/fuzz/RequestParserFuzzTestInputs/parse/}.
 * With {@code JAZZER_FUZZ=1} it fuzzes; see bench/README.md for the command.
 */
class RequestParserFuzzTest {

    /**
     * Small limits, so that the fuzzer's inputs (at most 4096 bytes by default) reach every
     * limit: a head of 1024 bytes (431), a body of 4096 (413), a target of 256 (414).
     */
    static final ParserLimits LIMITS = new ParserLimits(1024, 4096, 256);


    private static final byte[] FRESH_REQUEST = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** libFuzzer dictionary of HTTP/1.1 tokens (used in fuzz mode only), next to this class. */
    @DictionaryFile(resourcePath = "http1.dict")
    @FuzzTest(maxDuration = "1m")
    void parse(byte[] data) {
        Outcome whole = feed(data, Split.WHOLE);
        for (Split split : new Split[] {Split.BYTE_BY_BYTE, Split.FROM_DATA, Split.HASHED}) {
            Outcome other = feed(data, split);
            if (!whole.equals(other)) {
                throw new AssertionError("Split changes the outcome:\n  " + Split.WHOLE + ": " + whole
                        + "\n  " + split + ": " + other + "\n  input: " + Hex.escape(data));
            }
        }
    }

    /** How the input is cut into the slices the parser gets. */
    enum Split {
        /** One slice, in a heap buffer with other bytes around it. */
        WHOLE,
        /** One byte per slice, in a reused direct buffer. */
        BYTE_BY_BYTE,
        /** Slice lengths of 1 to 64, read from the input's bytes backwards, in a read-only buffer. */
        FROM_DATA,
        /** Slice lengths of 1 to 300 from a PRNG seeded with a hash of the input, in a reused direct buffer. */
        HASHED
    }

    /** One request as the parser framed it, complete or cut off by the end of input or an error. */
    record Request(String method, String target, String version, List<String> fields, long contentLength,
            boolean keepAlive, boolean expectContinue, String body, boolean ended, int trailers) {

        @Override
        public String toString() {
            return method + " " + target + " " + version + " fields=" + fields + " cl=" + contentLength
                    + " keepAlive=" + keepAlive + " expect=" + expectContinue + " body=" + body.length()
                    + "B '" + Hex.escape(body.getBytes(StandardCharsets.ISO_8859_1), 40) + "'"
                    + (ended ? " END trailers=" + trailers : " (unfinished)");
        }
    }

    /** What a whole input framed: the same for every split. */
    record Outcome(List<Request> requests, int errorStatus, boolean idle, boolean readingHead) {
        @Override
        public String toString() {
            return "error=" + errorStatus + " idle=" + idle + " readingHead=" + readingHead + " " + requests;
        }
    }

    /** Feeds {@code data} cut as {@code split} says, checking each step; returns what it framed. */
    static Outcome feed(byte[] data, Split split) {
        RequestParser parser = new RequestParser(LIMITS);
        Slicer slicer = new Slicer(data, split);
        Recorder recorder = new Recorder(parser);
        try {
            try {
                ByteBuffer slice;
                while ((slice = slicer.next()) != null) {
                    recorder.drain(slice);
                }
            } catch (InvalidRequestException e) {
                recorder.failed(e, slicer);
            }
        } catch (RuntimeException | Error e) {
            throw new AssertionError(split + ": " + e + " at input offset " + slicer.offset
                    + "\n  input: " + Hex.escape(data), e);
        }
        return recorder.outcome();
    }

    /** Cuts the input into slices, each in a buffer of its own kind with other bytes around it. */
    static final class Slicer {
        private final byte[] data;
        private final Split split;
        private final SplittableRandom random;
        private final ByteBuffer direct;
        /** The input offset of the current slice's first byte. */
        int offset;
        private int cuts;
        private ByteBuffer current;

        Slicer(byte[] data, Split split) {
            this.data = data;
            this.split = split;
            this.random = new SplittableRandom(fnv(data));
            this.direct = ByteBuffer.allocateDirect(Math.max(data.length, 1) + 16);
        }

        /** The next slice, or null when the input is used up. */
        ByteBuffer next() {
            if (current != null) {
                offset += current.limit() - 4;
            }
            if (offset >= data.length) {
                return null;
            }
            int left = data.length - offset;
            int n = switch (split) {
                case WHOLE -> left;
                case BYTE_BY_BYTE -> 1;
                case FROM_DATA -> 1 + (data[data.length - 1 - cuts % data.length] & 0x3f);
                case HASHED -> random.nextInt(8) == 0 ? 1 + random.nextInt(300) : 1 + random.nextInt(12);
            };
            cuts++;
            n = Math.min(n, left);
            ByteBuffer b = switch (split) {
                case WHOLE -> ByteBuffer.allocate(n + 8);
                case FROM_DATA -> ByteBuffer.allocate(n + 8);
                case BYTE_BY_BYTE, HASHED -> direct.clear();
            };
            // junk around the slice, as in a reused socket read buffer
            b.put(new byte[] {'\r', '\n', ' ', '0'}).put(data, offset, n).put(new byte[] {'\r', '\n', '0', '\n'});
            b.limit(4 + n).position(4);
            current = b;
            return split == Split.FROM_DATA ? b.asReadOnlyBuffer() : b;
        }

        private static long fnv(byte[] data) {
            long h = 0xcbf29ce484222325L;
            for (byte b : data) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
            return h;
        }
    }

    /** Drives the parser over slices, checking the step properties and recording the requests. */
    static final class Recorder {
        private enum Phase { BETWEEN, IN_REQUEST }

        private final RequestParser parser;
        private final List<Request> requests = new ArrayList<>();
        private Phase phase = Phase.BETWEEN;
        private RequestHead head;
        /** The head as it read at HEAD: it must not change while the parser goes on. */
        private String headAtStart;
        private byte[] body = new byte[64];
        private int bodyLength;
        /** Line feeds among the framing bytes consumed since the head or the last body byte. */
        private int framingLineFeeds;
        private boolean sawBody;
        private int errorStatus;

        Recorder(RequestParser parser) {
            this.parser = parser;
        }

        void drain(ByteBuffer slice) throws InvalidRequestException {
            int budget = 3 * slice.remaining() + 3;
            while (true) {
                if (budget-- == 0) {
                    throw new AssertionError("no progress: too many steps for a slice of " + slice.limit());
                }
                int before = slice.position();
                Step step = parser.next(slice);
                int after = slice.position();
                check(after >= before && after <= slice.limit(), "position moved backwards or past the limit");
                int bodyBytes = 0;
                switch (step) {
                    case NEED_INPUT:
                        check(!slice.hasRemaining(), "NEED_INPUT with " + slice.remaining() + " bytes left in the slice");
                        countFraming(slice, before, after);
                        return;
                    case HEAD:
                        check(phase == Phase.BETWEEN, "HEAD before the END of the previous request");
                        head = parser.head();
                        check(head != null, "HEAD without a head()");
                        check(head.contentLength() >= -1, "negative content length " + head.contentLength());
                        check(head.contentLength() < LIMITS.maxBodySize(), "Content-Length at or over the limit passed");
                        check(!parser.idle(), "idle right after HEAD");
                        headAtStart = describeHead();
                        phase = Phase.IN_REQUEST;
                        bodyLength = 0;
                        framingLineFeeds = 0;
                        sawBody = false;
                        break;
                    case BODY: {
                        check(phase == Phase.IN_REQUEST, "BODY outside a request");
                        check(head.hasBody(), "BODY for a request without body");
                        ByteBuffer b = parser.body();
                        check(b != null, "BODY without a body()");
                        bodyBytes = b.remaining();
                        check(bodyBytes > 0, "empty BODY");
                        check(bodyBytes <= after - before, "BODY of " + bodyBytes + " bytes when " + (after - before)
                                + " were consumed");
                        for (int i = 0; i < bodyBytes; i++) {
                            check(b.get(b.position() + i) == slice.get(after - bodyBytes + i),
                                    "body() is not the last bytes consumed");
                        }
                        append(b);
                        if (!head.chunked()) {
                            check(bodyLength <= head.contentLength(), "body of " + bodyLength
                                    + " bytes exceeds Content-Length " + head.contentLength());
                        } else {
                            check(bodyLength < LIMITS.maxBodySize(), "chunked body of " + bodyLength
                                    + " bytes reaches the body limit");
                        }
                        break;
                    }
                    case END:
                        check(phase == Phase.IN_REQUEST, "END outside a request");
                        check(parser.idle(), "not idle right after END");
                        break;
                    default:
                        throw new AssertionError(step);
                }
                if (step != Step.HEAD) {
                    // (the bytes of a HEAD step are the head's)
                    countFraming(slice, before, after - bodyBytes);
                }
                if (step == Step.BODY) {
                    // the framing consumed in this step came before the body bytes
                    framingLineFeeds = 0;
                    sawBody = true;
                }
                if (step == Step.END) {
                    int trailers = head.chunked() ? parser.trailerCount() : 0;
                    if (head.chunked()) {
                        // after the last chunk's data: CRLF, then "0" line, trailer lines, empty line
                        int expected = framingLineFeeds - (sawBody ? 3 : 2);
                        check(trailers == expected, "trailerCount() is " + trailers + " but the chunked body ended with "
                                + expected + " trailer line(s)");
                    } else {
                        check(bodyLength == head.contentLength(), "END after " + bodyLength
                                + " body bytes of Content-Length " + head.contentLength());
                    }
                    check(describeHead().equals(headAtStart), "the RequestHead changed after HEAD");
                    requests.add(request(true, trailers));
                    phase = Phase.BETWEEN;
                    head = null;
                }
            }
        }

        /** After an error: every later call must raise the same status again, whatever it gets. */
        void failed(InvalidRequestException e, Slicer slicer) {
            errorStatus = e.status();
            check(errorStatus >= 400 && errorStatus <= 599, "status " + errorStatus);
            ByteBuffer[] later = {
                ByteBuffer.allocate(0),
                ByteBuffer.wrap(FRESH_REQUEST),
                slicer.current == null ? ByteBuffer.allocate(0) : slicer.current,
                ByteBuffer.wrap(FRESH_REQUEST),
            };
            for (ByteBuffer input : later) {
                try {
                    Step step = parser.next(input);
                    throw new AssertionError("after " + errorStatus + " (" + e.getMessage() + ") next() returned " + step);
                } catch (InvalidRequestException again) {
                    check(again.status() == errorStatus, "after " + errorStatus + " next() threw " + again.status());
                }
            }
        }

        Outcome outcome() {
            if (phase == Phase.IN_REQUEST) {
                requests.add(request(false, 0));
            }
            boolean failed = errorStatus != 0;
            return new Outcome(requests, errorStatus, !failed && parser.idle(), !failed && parser.readingHead());
        }

        private Request request(boolean ended, int trailers) {
            List<String> fields = new ArrayList<>(head.fieldCount());
            for (int i = 0; i < head.fieldCount(); i++) {
                fields.add(head.fieldName(i) + ": " + head.fieldValue(i));
            }
            return new Request(head.method(), head.target(), head.version().text(), fields, head.contentLength(),
                    head.keepAlive(), head.expectContinue(), new String(body, 0, bodyLength, StandardCharsets.ISO_8859_1),
                    ended, trailers);
        }

        private String describeHead() {
            StringBuilder s = new StringBuilder(head.method()).append(' ').append(head.target()).append(' ')
                    .append(head.version()).append(' ').append(head.contentLength()).append(' ')
                    .append(head.keepAlive()).append(' ').append(head.expectContinue());
            for (int i = 0; i < head.fieldCount(); i++) {
                s.append('\n').append(head.fieldName(i)).append(": ").append(head.fieldValue(i));
            }
            return s.toString();
        }

        private void append(ByteBuffer b) {
            int n = b.remaining();
            if (bodyLength + n > body.length) {
                body = Arrays.copyOf(body, Math.max(bodyLength + n, 2 * body.length));
            }
            b.get(b.position(), body, bodyLength, n);
            bodyLength += n;
        }

        private void countFraming(ByteBuffer slice, int from, int to) {
            if (phase != Phase.IN_REQUEST) {
                return;
            }
            for (int i = from; i < to; i++) {
                if (slice.get(i) == '\n') {
                    framingLineFeeds++;
                }
            }
        }
    }

    static void check(boolean condition, String property) {
        if (!condition) {
            throw new AssertionError(property);
        }
    }

    /** Printable renderings of inputs for failure messages. */
    static final class Hex {
        static String escape(byte[] b) {
            return escape(b, 2000);
        }

        static String escape(byte[] b, int max) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < Math.min(b.length, max); i++) {
                int c = b[i] & 0xff;
                switch (c) {
                    case '\r' -> s.append("\\r");
                    case '\n' -> s.append("\\n");
                    case '\t' -> s.append("\\t");
                    case '\\' -> s.append("\\\\");
                    default -> {
                        if (c >= 0x20 && c < 0x7f) {
                            s.append((char) c);
                        } else {
                            s.append("\\x").append(HexFormat.of().toHexDigits((byte) c));
                        }
                    }
                }
            }
            return b.length > max ? s.append("...(").append(b.length).append(" bytes)").toString() : s.toString();
        }
    }
}
