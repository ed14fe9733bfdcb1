package dev.usher.http1;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Feeds raw bytes to a parser in a chosen split and records what it produced. */
final class ParsedStream {

    /** One request as the parser framed it. */
    record Request(RequestHead head, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    final List<Request> requests = new ArrayList<>();
    /** The status of the error that stopped parsing, or 0. */
    int errorStatus;
    /** Whether the parser was between requests when the input ran out. */
    boolean idleAtEnd;

    /** How the input is cut before it reaches the parser. */
    enum Split { WHOLE, BYTE_BY_BYTE, RANDOM }

    static ParsedStream parse(String raw, Split split, long seed, ParserLimits limits) {
        return parse(raw.getBytes(StandardCharsets.ISO_8859_1), split, seed, limits);
    }

    static ParsedStream parse(byte[] raw, Split split, long seed, ParserLimits limits) {
        ParsedStream result = new ParsedStream();
        RequestParser parser = new RequestParser(limits);
        Random random = new Random(seed);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RequestHead head = null;
        int at = 0;
        try {
            while (at < raw.length) {
                int n = switch (split) {
                    case WHOLE -> raw.length;
                    case BYTE_BY_BYTE -> 1;
                    case RANDOM -> 1 + random.nextInt(Math.min(64, raw.length - at));
                };
                n = Math.min(n, raw.length - at);
                // a direct buffer with junk around the slice, as a socket read would give
                ByteBuffer slice = ByteBuffer.allocateDirect(n + 8);
                slice.put(new byte[] {1, 2, 3, 4});
                slice.put(raw, at, n);
                slice.put(new byte[] {5, 6, 7, 8});
                slice.position(4).limit(4 + n);
                at += n;
                for (RequestParser.Step step; (step = parser.next(slice)) != RequestParser.Step.NEED_INPUT; ) {
                    switch (step) {
                        case HEAD -> {
                            head = parser.head();
                            body.reset();
                        }
                        case BODY -> {
                            ByteBuffer b = parser.body();
                            byte[] copy = new byte[b.remaining()];
                            b.get(copy);
                            body.write(copy, 0, copy.length);
                        }
                        case END -> result.requests.add(new Request(head, body.toByteArray()));
                        default -> throw new AssertionError(step);
                    }
                }
                if (slice.hasRemaining()) {
                    throw new AssertionError("NEED_INPUT with bytes left");
                }
            }
            result.idleAtEnd = parser.idle();
        } catch (InvalidRequestException e) {
            result.errorStatus = e.status();
        }
        return result;
    }
}
